import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { chatMessageEdits, chatMessages } from '../../server/db/schema';
import { CHAT_MAX_CHARS, type ChatMessage } from '../../src/lib/protocol/chat';
import { api, createSpace, joinSpace, newUser } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk, storedCount } from '../helpers/chat';
import { availableDrivers, postgresAdminUrl, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextMatching } from '../helpers/wait';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(drivers)('chat (%s)', (driver) => {
	let server: TestServer;
	const sockets = new Sockets();

	beforeAll(async () => {
		// Translation off and no send limit to trip: chat-limits.test.ts and chat-translation.test.ts cover those.
		server = await startTestServer({ db: driver, config: { translator: 'none', chatSendBurst: 10_000 } });
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	describe('sending', () => {
		it('a sent message is acknowledged with its id and time, and everyone in the room, the author too, gets it once', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = members as [(typeof members)[0], (typeof members)[0]];
			const elsewhere = await chatSpace(server, sockets, [{}]);
			const seenByA = record<ChatMessage>(a.socket, 'chat:message');
			const seenByB = record<ChatMessage>(b.socket, 'chat:message');
			const seenOutside = record<ChatMessage>(elsewhere.members[0]!.socket, 'chat:message');

			const clientId = randomUUID();
			const arrivals = [nextMessage(a.socket, clientId), nextMessage(b.socket, clientId)];
			const before = Date.now();
			const ack = await request(a.socket, 'chat:send', { spaceId, clientId, text: '  Hello, Nairobi!\nHow are you?  ', lang: 'en' });
			expect(ack).toEqual({
				ok: true,
				message: {
					id: expect.stringMatching(UUID),
					seq: expect.any(Number),
					spaceId,
					authorId: a.user.id,
					authorName: a.user.user.profile.displayName,
					text: '  Hello, Nairobi!\nHow are you?  ',
					lang: 'en',
					clientId,
					createdAt: expect.any(String),
					editedAt: null,
					deletedAt: null
				}
			});
			const message = ack.ok ? ack.message : (undefined as never);
			expect(Math.abs(Date.parse(message.createdAt) - before)).toBeLessThan(60_000);
			for (const arrived of await Promise.all(arrivals)) expect(arrived).toEqual(message);

			// A later message arrives after it on the same connection, so by then any duplicate would have too.
			const later = randomUUID();
			const laterArrivals = [nextMessage(a.socket, later), nextMessage(b.socket, later)];
			await sendOk(b.socket, spaceId, 'Fine, thanks', { clientId: later });
			await Promise.all(laterArrivals);
			expect(seenByA.map((m) => m.clientId)).toEqual([clientId, later]);
			expect(seenByB.map((m) => m.clientId)).toEqual([clientId, later]);
			expect(seenByB[1]!.seq).toBeGreaterThan(seenByB[0]!.seq);
			expect(seenOutside).toEqual([]);
		});

		if (driver === 'postgres') {
			it('a send is stored and delivered while every pooled database connection is busy: chat writes have a connection of their own', async () => {
				const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
				const [a, b] = members as [(typeof members)[0], (typeof members)[0]];
				// A first message, so what every send checks (roles, locks, safeguarding) is cached, as in a live chat.
				await sendOk(a.socket, spaceId, 'hello');
				// Ten queries that sleep longer than the test may run hold the whole pool (anything else sent to it waits
				// behind them); they are cancelled from outside once the message is through.
				const marker = randomUUID();
				const slow = Promise.allSettled(Array.from({ length: 10 }, () => server.db.execute(sql.raw(`select pg_sleep(600) -- ${marker}`))));
				const clientId = randomUUID();
				const arrival = nextMessage(b.socket, clientId);
				try {
					const ack = await request(a.socket, 'chat:send', { spaceId, clientId, text: 'still here', lang: 'en' });
					expect(ack.ok).toBe(true);
					expect((await arrival).text).toBe('still here');
				} finally {
					// Cancelled until all ten have ended: one may still have been waiting in the pool (a background read
					// had a connection) and start only after the first cancel.
					const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
					let ended = false;
					void slow.then(() => (ended = true));
					try {
						while (!ended) {
							await admin`select pg_cancel_backend(pid) from pg_stat_activity where query like ${`%${marker}%`} and pid <> pg_backend_pid()`;
							await Promise.race([slow, new Promise((r) => setTimeout(r, 100))]);
						}
					} finally {
						await admin.end();
					}
				}
			});
		}

		it('the language defaults to the connection’s reading language; a given one is kept in canonical form', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'pt-BR' } }]);
			const socket = members[0]!.socket;
			expect((await sendOk(socket, spaceId, 'Olá')).lang).toBe('pt-BR');
			expect((await sendOk(socket, spaceId, 'Hola', { lang: 'ES-mx' })).lang).toBe('es-MX');
		});

		it('a retried send with the same client id stores one message, returns it again and is not broadcast twice', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const seenByB = record<ChatMessage>(b.socket, 'chat:message');
			const clientId = randomUUID();
			const payload = { spaceId, clientId, text: 'only once' };

			const first = await request(a.socket, 'chat:send', payload);
			const retry = await request(a.socket, 'chat:send', payload);
			// Retries racing each other, as after a flaky reconnect.
			const racing = await Promise.all([1, 2, 3].map(() => request(a.socket, 'chat:send', payload)));
			const racingNew = await Promise.all([1, 2, 3].map(() => request(a.socket, 'chat:send', { ...payload, clientId: 'race-1' })));
			expect(first.ok && retry.ok).toBe(true);
			for (const ack of [retry, ...racing]) expect(ack).toEqual(first);
			const raced = racingNew.map((ack) => (ack.ok ? ack.message.id : ack.error.code));
			expect(new Set(raced).size).toBe(1);
			expect(raced[0]).toMatch(UUID);

			// Another author may use the same client id: it is theirs, a different message.
			const theirs = await request(b.socket, 'chat:send', payload);
			expect(theirs.ok && first.ok && theirs.message.id !== first.message.id).toBe(true);

			const sentinel = randomUUID();
			const done = nextMessage(b.socket, sentinel);
			await sendOk(a.socket, spaceId, 'sentinel', { clientId: sentinel });
			await done;
			expect(seenByB.map((m) => m.clientId)).toEqual([clientId, 'race-1', clientId, sentinel]);
			expect(await storedCount(server, spaceId)).toBe(4);
			const rows = await server.db.select().from(chatMessages).where(eq(chatMessages.clientId, clientId));
			expect(rows.map((r) => r.authorId).sort()).toEqual([a.user.id, b.user.id].sort());
		});

		it('a retry after the first send was edited returns that message as it is now', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}]);
			const socket = members[0]!.socket;
			const clientId = randomUUID();
			const sent = await sendOk(socket, spaceId, 'frist', { clientId });
			expect(await request(socket, 'chat:edit', { spaceId, messageId: sent.id, text: 'first' })).toMatchObject({ ok: true });
			const retry = await request(socket, 'chat:send', { spaceId, clientId, text: 'frist' });
			expect(retry).toMatchObject({ ok: true, message: { id: sent.id, text: 'first' } });
			expect(await storedCount(server, spaceId)).toBe(1);
		});

		it('invalid sends are refused in the sender’s language, store nothing and reach nobody', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ socket: { headers: { 'accept-language': 'es-ES,es;q=0.9' } } }, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const seenByB = record<ChatMessage>(b.socket, 'chat:message');
			const ok = { spaceId, clientId: randomUUID(), text: 'hola' };
			const tooLong = es.error_message_too_long!.replace('{max}', String(CHAT_MAX_CHARS));
			const cases: [string, unknown, string, string][] = [
				['no payload', undefined, 'invalid_input', es.error_invalid_input!],
				['null', null, 'invalid_input', es.error_invalid_input!],
				['a string', 'hola', 'invalid_input', es.error_invalid_input!],
				['an array', [spaceId, 'hola'], 'invalid_input', es.error_invalid_input!],
				['no client id', { spaceId, text: 'hola' }, 'invalid_input', es.error_invalid_input!],
				['an empty client id', { ...ok, clientId: '' }, 'invalid_input', es.error_invalid_input!],
				['a client id over 64 characters', { ...ok, clientId: 'x'.repeat(65) }, 'invalid_input', es.error_invalid_input!],
				['no text', { spaceId, clientId: randomUUID() }, 'invalid_input', es.error_invalid_input!],
				['a number as text', { ...ok, text: 42 }, 'invalid_input', es.error_invalid_input!],
				['a space id that is no uuid', { ...ok, spaceId: 'general' }, 'invalid_input', es.error_invalid_input!],
				['an empty text', { ...ok, text: '' }, 'message_empty', es.error_message_empty!],
				['only white space', { ...ok, text: ' \n\t\u00a0 ' }, 'message_empty', es.error_message_empty!],
				['one character too many', { ...ok, text: 'a'.repeat(CHAT_MAX_CHARS + 1) }, 'message_too_long', tooLong],
				['one emoji too many', { ...ok, text: '😀'.repeat(CHAT_MAX_CHARS + 1) }, 'message_too_long', tooLong],
				['a NUL character', { ...ok, text: 'a\u0000b' }, 'invalid_characters', es.error_invalid_characters!],
				['a malformed language', { ...ok, lang: 'not a language!' }, 'language_invalid', es.error_language_invalid!],
				['a language of the wrong type', { ...ok, lang: 7 }, 'invalid_input', es.error_invalid_input!],
				['a space that does not exist', { ...ok, spaceId: randomUUID() }, 'not_found', es.error_not_found!]
			];
			for (const [what, payload, code, message] of cases) {
				const ack = await request(a.socket, 'chat:send', payload);
				expect(ack, what).toEqual({ ok: false, error: { code, message } });
			}
			// Exactly the limit is fine.
			expect(await request(a.socket, 'chat:send', { ...ok, text: '😀'.repeat(CHAT_MAX_CHARS) })).toMatchObject({ ok: true });
			await nextMessage(b.socket, ok.clientId);
			expect(seenByB.map((m) => m.clientId)).toEqual([ok.clientId]);
			expect(await storedCount(server, spaceId)).toBe(1);
		});

		it('outsiders get not_found and observers read_only; neither stores anything', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, { role: 'observer' }]);
			const [owner, observer] = [members[0]!, members[1]!];
			const outsider = await newUser(server.url);
			const outsiderSocket = await sockets.connect(server.url, { token: outsider.token, headers: { 'accept-language': 'es' } });
			const seenByOwner = record<ChatMessage>(owner.socket, 'chat:message');

			expect(await request(outsiderSocket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hi' })).toEqual({
				ok: false,
				error: { code: 'not_found', message: es.error_not_found }
			});
			expect(await request(observer.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hi' })).toMatchObject({
				ok: false,
				error: { code: 'read_only', message: expect.any(String) }
			});
			// Observers still read.
			const seen = record<ChatMessage>(observer.socket, 'chat:message');
			const clientId = randomUUID();
			const arrived = nextMessage(observer.socket, clientId);
			const sent = await sendOk(owner.socket, spaceId, 'observers read along', { clientId });
			await arrived;
			expect(seen.map((m) => m.id)).toEqual([sent.id]);
			expect(seenByOwner.map((m) => m.id)).toEqual([sent.id]);
			expect(await storedCount(server, spaceId)).toBe(1);
		});

		it('a send without an ack callback is still handled and the connection keeps working', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const clientId = randomUUID();
			const arrived = nextMessage(b.socket, clientId);
			(a.socket.emit as unknown as (ev: string, p: unknown) => void)('chat:send', { spaceId, clientId, text: 'fire and forget' });
			(a.socket.emit as unknown as (ev: string, p: unknown) => void)('chat:send', { spaceId, text: 'invalid, and nobody waits' });
			(a.socket.emit as unknown as (ev: string, ...p: unknown[]) => void)('chat:history', { spaceId }, 'not a function');
			expect((await arrived).text).toBe('fire and forget');
			expect(a.socket.connected).toBe(true);
			await sendOk(a.socket, spaceId, 'still here');
		});
	});

	describe('editing and deleting', () => {
		it('an author edits their message: readers get chat:updated, moderators keep the earlier text', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const sent = await sendOk(a.socket, spaceId, 'See you at 5');
			const updated = nextMatching<ChatMessage>(b.socket, 'chat:updated', (m) => m.id === sent.id);
			const ack = await request(a.socket, 'chat:edit', { spaceId, messageId: sent.id, text: 'See you at 6' });
			expect(ack).toEqual({ ok: true, message: { ...sent, text: 'See you at 6', editedAt: expect.any(String) } });
			expect(await updated).toEqual(ack.ok && ack.message);
			const edits = await server.db.select().from(chatMessageEdits).where(eq(chatMessageEdits.messageId, sent.id));
			expect(edits.map((e) => e.previousText)).toEqual(['See you at 5']);
			// The edited text obeys the same rules as a new one.
			expect(await request(a.socket, 'chat:edit', { spaceId, messageId: sent.id, text: '   ' })).toMatchObject({ ok: false, error: { code: 'message_empty' } });
		});

		it('nobody edits or deletes someone else’s message', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, { socket: { headers: { 'accept-language': 'es' } } }]);
			const [a, b] = [members[0]!, members[1]!];
			const sent = await sendOk(a.socket, spaceId, 'mine');
			const notYours = { ok: false, error: { code: 'not_your_message', message: es.error_not_your_message } };
			expect(await request(b.socket, 'chat:edit', { spaceId, messageId: sent.id, text: 'yours now' })).toEqual(notYours);
			expect(await request(b.socket, 'chat:delete', { spaceId, messageId: sent.id })).toEqual(notYours);
			const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, sent.id));
			expect(row).toMatchObject({ text: 'mine', editedAt: null, deletedAt: null });
			// A message id from another space is not found there.
			const other = await chatSpace(server, sockets, [{}]);
			expect(await request(a.socket, 'chat:edit', { spaceId: other.spaceId, messageId: sent.id, text: 'x' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
			expect(await request(a.socket, 'chat:delete', { spaceId, messageId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		});

		it('a deleted message reaches readers as a tombstone, keeps its text for moderators and cannot be edited', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const sent = await sendOk(a.socket, spaceId, 'oops, wrong space');
			const updated = nextMatching<ChatMessage>(b.socket, 'chat:updated', (m) => m.id === sent.id);
			const ack = await request(a.socket, 'chat:delete', { spaceId, messageId: sent.id });
			const tombstone = { ...sent, text: '', deletedAt: expect.any(String) };
			expect(ack).toEqual({ ok: true, message: tombstone });
			expect(await updated).toEqual(tombstone);
			const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, sent.id));
			expect(row).toMatchObject({ text: 'oops, wrong space', deletedBy: a.user.id });

			expect(await request(a.socket, 'chat:edit', { spaceId, messageId: sent.id, text: 'fixed' })).toMatchObject({
				ok: false,
				error: { code: 'message_deleted' }
			});
			// Deleting again is harmless and changes nothing.
			expect(await request(a.socket, 'chat:delete', { spaceId, messageId: sent.id })).toEqual(ack);
			const history = await request(b.socket, 'chat:history', { spaceId });
			expect(history).toMatchObject({ ok: true, messages: [tombstone], hasMore: false });
		});
	});

	describe('typing', () => {
		it('typing is relayed to the others in the room, not back to the typist, and stops when told', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const backToA = record(a.socket, 'chat:typing');
			const started = nextMatching(b.socket, 'chat:typing', (t) => t.typing === true);
			a.socket.emit('chat:typing', { spaceId, typing: true });
			expect(await started).toEqual({ spaceId, userId: a.user.id, displayName: a.user.user.profile.displayName, typing: true });
			const stopped = nextMatching(b.socket, 'chat:typing', (t) => t.typing === false);
			a.socket.emit('chat:typing', { spaceId, typing: false });
			expect(await stopped).toMatchObject({ userId: a.user.id, typing: false });
			// B typing reaches A, so A's silence above was not a lost connection.
			const fromB = nextMatching(a.socket, 'chat:typing', (t) => t.userId === b.user.id);
			b.socket.emit('chat:typing', { spaceId, typing: true });
			await fromB;
			expect(backToA.every((t: { userId: string }) => t.userId === b.user.id)).toBe(true);
		});

		it('typing stops by itself after about five seconds, and at once when the message is sent', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			const started = nextMatching(b.socket, 'chat:typing', (t) => t.typing);
			a.socket.emit('chat:typing', { spaceId, typing: true });
			const startedAt = Date.now();
			await started;
			await nextMatching(b.socket, 'chat:typing', (t) => !t.typing, 10_000);
			expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4_000);

			a.socket.emit('chat:typing', { spaceId, typing: true });
			await nextMatching(b.socket, 'chat:typing', (t) => t.typing);
			const stopped = nextMatching(b.socket, 'chat:typing', (t) => !t.typing, 2_000);
			await sendOk(a.socket, spaceId, 'done typing');
			await stopped;
		});

		it('observers and sockets outside the room cannot show as typing; garbage is ignored', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, { role: 'observer' }, { join: false }]);
			const [owner, observer, absent] = [members[0]!, members[1]!, members[2]!];
			const seen = record<{ userId: string }>(owner.socket, 'chat:typing');
			observer.socket.emit('chat:typing', { spaceId, typing: true });
			absent.socket.emit('chat:typing', { spaceId, typing: true });
			(observer.socket.emit as unknown as (ev: string, p: unknown) => void)('chat:typing', { spaceId, typing: 'yes' });
			(observer.socket.emit as unknown as (ev: string, p: unknown) => void)('chat:typing', null);
			// A member who may type proves the relay works, and arrives after anything the others caused.
			const member = await newUser(server.url);
			await joinSpace(server.url, owner.user, member, spaceId);
			const memberSocket = await sockets.connect(server.url, { token: member.token });
			await request(memberSocket, 'space:join', { spaceId });
			const fromMember = nextMatching(owner.socket, 'chat:typing', (t) => t.userId === member.id);
			memberSocket.emit('chat:typing', { spaceId, typing: true });
			await fromMember;
			expect(seen.map((t) => t.userId)).toEqual([member.id]);
		});
	});

	describe('read positions', () => {
		it('chat:read only moves forward and space:join reports it, per person', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
			const [a, b] = [members[0]!, members[1]!];
			expect(await request(a.socket, 'space:join', { spaceId })).toMatchObject({ ok: true, lastReadId: null });
			const first = await sendOk(b.socket, spaceId, 'one');
			const second = await sendOk(b.socket, spaceId, 'two');
			expect(await request(a.socket, 'chat:read', { spaceId, messageId: second.id })).toEqual({ ok: true });
			expect(await request(a.socket, 'chat:read', { spaceId, messageId: first.id })).toEqual({ ok: true });
			expect(await request(a.socket, 'space:join', { spaceId })).toMatchObject({ ok: true, lastReadId: second.id });
			expect(await request(b.socket, 'space:join', { spaceId })).toMatchObject({ ok: true, lastReadId: null });
			// Another device of the same person sees the same position.
			const again = await sockets.connect(server.url, { token: a.user.token });
			expect(await request(again, 'space:join', { spaceId })).toMatchObject({ ok: true, lastReadId: second.id });

			expect(await request(a.socket, 'chat:read', { spaceId, messageId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'not_found' } });
			expect(await request(a.socket, 'chat:read', { spaceId })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
			const outsider = await newUser(server.url);
			const outsiderSocket = await sockets.connect(server.url, { token: outsider.token });
			expect(await request(outsiderSocket, 'chat:read', { spaceId, messageId: second.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		});
	});

	describe('reading language', () => {
		it('space:join says the reading language and that translation is off on a server without a translator', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'sw' } }]);
			expect(await request(members[0]!.socket, 'space:join', { spaceId })).toMatchObject({
				ok: true,
				readingLanguage: 'sw',
				translation: { provider: 'none', available: false },
				lastReadId: null
			});
		});

		it('chat:language switches this connection’s reading language, in canonical form; a bad tag is refused', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ socket: { headers: { 'accept-language': 'es' } } }]);
			const socket = members[0]!.socket;
			expect(await request(socket, 'chat:language', { lang: 'es-mx' })).toEqual({ ok: true, lang: 'es-MX' });
			expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true, readingLanguage: 'es-MX' });
			expect((await sendOk(socket, spaceId, 'hola')).lang).toBe('es-MX');
			for (const bad of [{ lang: 'not a tag!' }, { lang: 'x'.repeat(40) }]) {
				expect(await request(socket, 'chat:language', bad), JSON.stringify(bad)).toEqual({
					ok: false,
					error: { code: 'language_invalid', message: es.error_language_invalid }
				});
			}
			for (const bad of [{}, { lang: 3 }, null]) {
				expect(await request(socket, 'chat:language', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
			}
			expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ readingLanguage: 'es-MX' });
			// Only this connection: a new one starts from the profile again.
			const fresh = await sockets.connect(server.url, { token: members[0]!.user.token });
			expect(await request(fresh, 'space:join', { spaceId })).toMatchObject({ readingLanguage: 'en' });
		});

		it('without a translator no translation events come, and asking for one says translation is off', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{}, { user: { readingLanguage: 'es' } }]);
			const [a, b] = [members[0]!, members[1]!];
			const translations = record(b.socket, 'chat:translation');
			const unavailable = record(b.socket, 'chat:translation-unavailable');
			const clientId = randomUUID();
			const arrived = nextMessage(b.socket, clientId);
			const sent = await sendOk(a.socket, spaceId, 'Good morning', { lang: 'en', clientId });
			await arrived;
			const off = nextMatching(b.socket, 'chat:translation-unavailable', (u) => u.messageId === sent.id);
			expect(await request(b.socket, 'chat:translate', { spaceId, messageId: sent.id })).toEqual({ ok: true });
			expect(await off).toEqual({ messageId: sent.id, spaceId, lang: 'es', reason: 'off' });
			expect(translations).toEqual([]);
			expect(unavailable).toHaveLength(1);
			const history = await request(b.socket, 'chat:history', { spaceId });
			expect(history.ok && history.messages[0]!.translation).toBeUndefined();
		});
	});

	it('a space the person left over HTTP stops delivering its chat to their open sockets', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const seenByB = record<ChatMessage>(b.socket, 'chat:message');
		expect((await api(server.url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: b.user.token })).status).toBe(204);
		// b's own space proves b's socket still works; a's message must not reach b.
		const own = await createSpace(server.url, b.user);
		await request(b.socket, 'space:join', { spaceId: own });
		await sendOk(a.socket, spaceId, 'after you left');
		const mine = randomUUID();
		const arrived = nextMessage(b.socket, mine);
		await sendOk(b.socket, own, 'my own space', { clientId: mine });
		await arrived;
		expect(seenByB.map((m) => m.spaceId)).toEqual([own]);
		expect(await request(b.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'let me back' })).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
	});
});
