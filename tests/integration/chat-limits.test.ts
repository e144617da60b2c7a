import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChatService, ModerationVeto, type ModerationContext } from '../../server/chat';
import { projectRoot } from '../../server/config';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import { createSpace, joinSpace } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk, storedCount } from '../helpers/chat';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
const BURST = 3;
const PER_SECOND = 0.2;

describe.each(drivers)('chat limits and moderation (%s)', (driver) => {
	let server: TestServer;
	const logs: string[] = [];
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: {
				translator: 'none',
				chatSendBurst: BURST,
				chatSendPerSecond: PER_SECOND,
				logLevel: 'debug',
				logDestination: { write: (line: string) => void logs.push(line) }
			}
		});
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	describe('send rate', () => {
		it('a burst goes through, the next send is refused with the seconds to wait, and nothing of it is stored or sent', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ socket: { headers: { 'accept-language': 'es' } } }, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const seenByB = record<ChatMessage>(b.socket, 'chat:message');
			const burst = [];
			for (let i = 0; i < BURST; i++) burst.push(await sendOk(a.socket, spaceId, `burst ${i}`));

			const refused = await request(a.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'one too many' });
			expect(refused).toMatchObject({ ok: false, error: { code: 'send_rate_limited' } });
			const message = refused.ok ? '' : refused.error.message;
			const [before, after] = es.error_send_rate_limited!.split('{seconds}') as [string, string];
			expect(message.startsWith(before) && message.endsWith(after)).toBe(true);
			const seconds = Number(message.slice(before.length, message.length - after.length));
			expect(seconds).toBeGreaterThanOrEqual(1);
			expect(seconds).toBeLessThanOrEqual(Math.ceil(1 / PER_SECOND));

			// A retry of a message already stored is answered from the store and costs nothing.
			expect(await request(a.socket, 'chat:send', { spaceId, clientId: burst[0]!.clientId, text: 'burst 0' })).toEqual({ ok: true, message: burst[0] });

			const sentinel = randomUUID();
			const arrived = nextMessage(b.socket, sentinel);
			await sendOk(b.socket, spaceId, 'my turn', { clientId: sentinel });
			await arrived;
			expect(seenByB.map((m) => m.text)).toEqual(['burst 0', 'burst 1', 'burst 2', 'my turn']);
			expect(await storedCount(server, spaceId)).toBe(BURST + 1);
		});

		it('the limit is per person and space: the flooder’s other spaces and everyone else keep sending', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [flooder, neighbour] = [members[0]!, members[1]!];
			const elsewhere = await createSpace(server.url, flooder.user);
			await joinSpace(server.url, flooder.user, neighbour.user, elsewhere);
			const quiet = await chatSpace(server, sockets, [{}, {}]);

			// A flood: far more than the burst, all at once.
			const flood = await Promise.all(
				Array.from({ length: 40 }, (_, i) => request(flooder.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: `flood ${i}` }))
			);
			expect(flood.filter((ack) => ack.ok)).toHaveLength(BURST);
			expect(flood.filter((ack) => !ack.ok && ack.error.code === 'send_rate_limited')).toHaveLength(40 - BURST);

			expect(await request(flooder.socket, 'chat:send', { spaceId: elsewhere, clientId: randomUUID(), text: 'other space' })).toMatchObject({ ok: true });
			for (let i = 0; i < BURST; i++) await sendOk(neighbour.socket, spaceId, `neighbour ${i}`);
			const clientId = randomUUID();
			const arrived = nextMessage(quiet.members[1]!.socket, clientId);
			await sendOk(quiet.members[0]!.socket, quiet.spaceId, 'a quiet room is not slowed', { clientId });
			await arrived;
		});

		it('edits draw on the same allowance as sends', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}]);
			const socket = members[0]!.socket;
			const sent = await sendOk(socket, spaceId, 'v0');
			for (let i = 1; i < BURST; i++) expect(await request(socket, 'chat:edit', { spaceId, messageId: sent.id, text: `v${i}` })).toMatchObject({ ok: true });
			expect(await request(socket, 'chat:edit', { spaceId, messageId: sent.id, text: 'too fast' })).toMatchObject({
				ok: false,
				error: { code: 'send_rate_limited' }
			});
		});

		it('a retry this process does not remember (it restarted since) of a stored message gets it back, even over the limit', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}]);
			const author = { id: members[0]!.user.id, name: 'Ana' };
			const sent = await sendOk(members[0]!.socket, spaceId, 'sent before the restart');
			// A second chat service on the same database: the memory of a process that has just started.
			const restarted = createChatService({
				db: server.db,
				logger: server.app.logger,
				spaces: server.app.spaces,
				translator: server.app.translator,
				config: { chatSendBurst: BURST, chatSendPerSecond: PER_SECOND }
			});
			try {
				for (let i = 0; i < BURST; i++) await restarted.send({ spaceId, author, clientId: randomUUID(), text: `after ${i}`, lang: 'en' });
				await expect(restarted.send({ spaceId, author, clientId: randomUUID(), text: 'too fast', lang: 'en' })).rejects.toMatchObject({ code: 'send_rate_limited' });
				const retry = await restarted.send({ spaceId, author, clientId: sent.clientId, text: sent.text, lang: 'en' });
				expect(retry).toMatchObject({ created: false, message: { id: sent.id, seq: sent.seq } });
			} finally {
				await restarted.close();
			}
			expect(await storedCount(server, spaceId)).toBe(BURST + 1);
		});

		it('every event draws on the connection’s budget: a flood of history requests is refused in the person’s language, and the connection stays', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ socket: { headers: { 'accept-language': 'es' } } }]);
			const socket = members[0]!.socket;
			const answers = await Promise.all(Array.from({ length: 30 }, () => request(socket, 'chat:history', { spaceId })));
			const refused = answers.filter((a) => !a.ok);
			expect(answers.filter((a) => a.ok).length).toBeGreaterThan(0);
			expect(refused.length).toBeGreaterThan(0);
			const [before] = es.error_rate_limited!.split('{seconds}') as [string, string];
			for (const a of refused) {
				expect(a).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
				expect(a.ok ? '' : a.error.message.startsWith(before)).toBe(true);
			}
			expect(socket.connected).toBe(true);
			expect(logs.some((l) => l.includes('socket events over the rate limit') && l.includes('chat:history'))).toBe(true);
		});
	});

	describe('moderation hooks', () => {
		it('a hook that vetoes: the sender gets the hook’s code, nothing is stored and nobody receives it', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ socket: { headers: { 'accept-language': 'es' } } }, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const seen: ModerationContext[] = [];
			const off = server.app.chat.moderation.use({
				name: 'test: no phone numbers',
				beforeSend: async (ctx) => {
					if (ctx.spaceId !== spaceId) return;
					seen.push(ctx);
					if (/\d{3}[ -]?\d{4}/.test(ctx.text)) throw new ModerationVeto('forbidden', 'contact details');
				}
			});
			try {
				const seenByB = record<ChatMessage>(b.socket, 'chat:message');
				const vetoed = await request(a.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'call me on 555 1234', lang: 'en' });
				expect(vetoed).toEqual({ ok: false, error: { code: 'forbidden', message: es.error_forbidden } });
				expect(seen[0]).toEqual({
					spaceId,
					authorId: a.user.id,
					authorName: a.user.user.profile.displayName,
					role: 'owner',
					text: 'call me on 555 1234',
					lang: 'en',
					clientId: expect.any(String),
					editOf: null
				});

				// Edits go through the same hooks: a clean message cannot be edited into a vetoed one.
				const clean = await sendOk(a.socket, spaceId, 'see you tomorrow');
				expect(await request(a.socket, 'chat:edit', { spaceId, messageId: clean.id, text: 'call 555 1234' })).toMatchObject({
					ok: false,
					error: { code: 'forbidden' }
				});
				expect(seen.at(-1)).toMatchObject({ editOf: clean.id, clientId: null });

				const sentinel = randomUUID();
				const arrived = nextMessage(b.socket, sentinel);
				await sendOk(b.socket, spaceId, 'ok', { clientId: sentinel });
				await arrived;
				expect(seenByB.map((m) => m.text)).toEqual(['see you tomorrow', 'ok']);
				expect(await storedCount(server, spaceId)).toBe(2);
				const history = await request(b.socket, 'chat:history', { spaceId });
				expect(history.ok && history.messages.map((m) => m.text)).toEqual(['see you tomorrow', 'ok']);
			} finally {
				off();
			}
		});

		it('a hook that breaks refuses the text (fails closed) with internal, and the next text passes once it is removed', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}]);
			const socket = members[0]!.socket;
			const off = server.app.chat.moderation.use({
				name: 'test: broken',
				priority: 1_000,
				beforeSend: async (ctx) => {
					if (ctx.spaceId === spaceId) throw new Error('classifier unreachable');
				}
			});
			try {
				expect(await request(socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hello' })).toMatchObject({
					ok: false,
					error: { code: 'internal' }
				});
				expect(await storedCount(server, spaceId)).toBe(0);
			} finally {
				off();
			}
			await sendOk(socket, spaceId, 'hello again');
		});
	});

	it('logs carry ids and lengths, never a message’s text', async () => {
		const marker = `secret-${randomUUID()}`;
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const off = server.app.chat.moderation.use({
			name: 'test: veto marker',
			beforeSend: async (ctx) => {
				if (ctx.text.includes(`${marker} veto`)) throw new ModerationVeto('forbidden');
			}
		});
		try {
			const sent = await sendOk(a.socket, spaceId, `${marker} hello`);
			await request(a.socket, 'chat:edit', { spaceId, messageId: sent.id, text: `${marker} edited` });
			await request(a.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: `${marker} veto` });
			await request(a.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: `${marker} \u0000` });
			await request(b.socket, 'chat:edit', { spaceId, messageId: sent.id, text: `${marker} not yours` });
			await request(a.socket, 'chat:delete', { spaceId, messageId: sent.id });
			await request(b.socket, 'chat:history', { spaceId });
		} finally {
			off();
		}
		const all = logs.join('\n');
		expect(all).toContain(spaceId);
		expect(all).toMatch(/"chars":\d+/);
		expect(all).not.toContain(marker);
	});
});
