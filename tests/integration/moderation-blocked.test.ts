import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { chatMessages, moderationQueue } from '../../server/db/schema';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import { api, newUser, type TestUser } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk, storedCount } from '../helpers/chat';
import { minorSpace, newModerator } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
const BLOCKED = 'you are a fucking idiot';

describe.each(drivers)('blocked texts in a space with a minor are kept for review (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { translator: 'none', logLevel: 'debug', logDestination: { write: (line: string) => void logs.push(line) } }
		});
		url = server.url;
		admin = await newUser(url);
		moderator = await newModerator(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** What the moderation queue lists for the space with this status. */
	async function queue(spaceId: string, status = 'blocked') {
		const res = await api(url, `/api/v1/moderation/queue?status=${status}&space=${spaceId}`, { token: moderator.token });
		expect(res.status).toBe(200);
		return res.body.items as { id: string; kind: string; targetId: string; authorId: string; text: string; hook: string; reason: string; status: string }[];
	}

	/** Sends a sentinel from `from` and waits until `to` has it: everything sent before has had its chance to arrive. */
	async function settle(from: ClientSocket, to: ClientSocket, spaceId: string): Promise<ChatMessage> {
		const clientId = randomUUID();
		const arrived = nextMessage(to, clientId);
		await sendOk(from, spaceId, 'sentinel', { clientId });
		return arrived;
	}

	it('a blocked message is kept for moderators, delivered to no one, and the sender still gets the block error', async () => {
		const { spaceId, adult, adultSocket, minorSocket } = await minorSpace(url, { sockets, supervisor: moderator, headers: { 'accept-language': 'es' } });
		const seenByMinor = record<ChatMessage>(minorSocket, 'chat:message');
		const clientId = randomUUID();
		const refused = await request(adultSocket, 'chat:send', { spaceId, clientId, text: BLOCKED, lang: 'en' });
		expect(refused).toEqual({ ok: false, error: { code: 'message_blocked', message: es.error_message_blocked } });
		expect(await storedCount(server, spaceId)).toBe(0);

		const [entry, ...more] = await queue(spaceId);
		expect(more).toEqual([]);
		expect(entry).toMatchObject({ kind: 'chat', authorId: adult.id, text: BLOCKED, hook: 'word_list', reason: 'profanity', status: 'blocked' });
		// A record, not a question: it is not among the texts waiting for a decision, and cannot be approved.
		expect(await queue(spaceId, 'held')).toEqual([]);
		const approve = await api(url, `/api/v1/moderation/queue/${entry!.id}/approve`, { method: 'POST', token: moderator.token });
		expect(approve.status).toBe(409);
		expect(approve.body.error.code).toBe('already_reviewed');

		const sentinel = await settle(adultSocket, minorSocket, spaceId);
		expect(seenByMinor.map((m) => m.id)).toEqual([sentinel.id]);
		const own = await request(adultSocket, 'chat:history', { spaceId });
		expect(own.ok && own.messages.map((m) => m.text)).toEqual(['sentinel']);
		// Retrying the same send is refused again, not answered with the kept record.
		expect(await request(adultSocket, 'chat:send', { spaceId, clientId, text: BLOCKED })).toMatchObject({ ok: false, error: { code: 'message_blocked' } });
	});

	it('a blocked edit is kept too, pointing at its message; readers keep the earlier text', async () => {
		const { spaceId, adult, adultSocket } = await minorSpace(url, { sockets, supervisor: moderator });
		const original = await sendOk(adultSocket, spaceId, 'see you on Tuesday');
		const refused = await request(adultSocket, 'chat:edit', { spaceId, messageId: original.id, text: 'kill yourself' });
		expect(refused).toMatchObject({ ok: false, error: { code: 'message_blocked' } });
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, original.id));
		expect(row).toMatchObject({ text: 'see you on Tuesday', editedAt: null });
		expect(await queue(spaceId)).toEqual([
			expect.objectContaining({ kind: 'chat-edit', targetId: original.id, authorId: adult.id, text: 'kill yourself', reason: 'self_harm' })
		]);
	});

	it('a text refused because a moderation hook broke is kept too', async () => {
		const { spaceId, adultSocket } = await minorSpace(url, { sockets, supervisor: moderator });
		const off = server.app.moderation.pipeline.use({
			name: 'test: broken veto',
			beforeSend: async (ctx) => {
				if (ctx.spaceId === spaceId) throw new Error('veto service down');
			}
		});
		try {
			const refused = await request(adultSocket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'an ordinary message' });
			expect(refused).toMatchObject({ ok: false, error: { code: 'internal' } });
		} finally {
			off();
		}
		expect(await queue(spaceId)).toEqual([expect.objectContaining({ kind: 'chat', text: 'an ordinary message', hook: 'test: broken veto', reason: 'hook_failed' })]);
	});

	it('after the minor has left, a blocked text is still kept', async () => {
		const { spaceId, minor, adultSocket } = await minorSpace(url, { sockets, supervisor: moderator });
		expect((await api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: minor.token })).status).toBe(204);
		expect(await request(adultSocket, 'chat:send', { spaceId, clientId: randomUUID(), text: BLOCKED })).toMatchObject({ ok: false });
		expect(await queue(spaceId)).toHaveLength(1);
	});

	it('in a space that never had a minor, a blocked text is kept nowhere', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		expect(await request(members[0]!.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: BLOCKED })).toMatchObject({ ok: false });
		expect(await server.db.select().from(moderationQueue).where(eq(moderationQueue.spaceId, spaceId))).toEqual([]);
	});

	it('an unknown status is refused with a clear code', async () => {
		const res = await api(url, '/api/v1/moderation/queue?status=hidden', { token: moderator.token });
		expect(res.status).toBe(400);
		expect(res.body.error.fields.status.code).toBe('invalid_value');
	});

	it('the logs never hold the refused text', async () => {
		const all = logs.join('\n');
		expect(all).toContain('moderation refused a text');
		expect(all).not.toContain('fucking');
		expect(all).not.toContain('kill yourself');
	});
});
