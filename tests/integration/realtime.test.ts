import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { sessions } from '../../server/db/schema';
import type { PresenceMember } from '../../src/lib/protocol/events';
import { api, createSpace, joinSpace, newUser, PASSWORD, signIn, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, nextMatching } from '../helpers/wait';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
type Presence = { spaceId: string; members: PresenceMember[] };

describe.each(drivers)('Socket.IO (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		admin = await newUser(url);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const join = (socket: ClientSocket, payload: unknown) =>
		socket.timeout(2_000).emitWithAck('space:join', payload as { spaceId: string });
	const memberIds = (members: PresenceMember[]) => members.map((m) => m.userId).sort();

	/** Proves a socket is still connected and served: a round trip through the server. */
	async function expectAlive(socket: ClientSocket, spaceId: string) {
		expect(socket.connected).toBe(true);
		expect(await join(socket, { spaceId })).toMatchObject({ ok: true });
	}

	describe('handshake', () => {
		it('a connection with auth.token is accepted', async () => {
			const u = await newUser(url);
			const socket = await sockets.connect(url, { token: u.token });
			expect(socket.connected).toBe(true);
		});

		it('no token, an unknown token or a signed-out token gets connect_error unauthorized', async () => {
			const u = await newUser(url);
			const ended = await signIn(url, u);
			expect((await api(url, '/api/v1/sessions/current', { method: 'DELETE', token: ended.token })).status).toBe(204);
			for (const token of [undefined, randomBytes(32).toString('base64url'), 'garbage', ended.token]) {
				const err = await sockets.refused(url, { token });
				expect(err.message, String(token)).toBe('unauthorized');
				expect(err.data?.code).toBe('unauthorized');
			}
		});

		it('a disallowed Origin is refused even with a valid token', async () => {
			const u = await newUser(url);
			for (const origin of ['http://evil.example', 'null', url.replace('127.0.0.1', 'localhost')]) {
				const err = await sockets.refused(url, { token: u.token, origin });
				expect(err.message, origin).toBe('bad_origin');
			}
			const overPolling = await sockets.refused(url, { token: u.token, origin: 'http://evil.example', transports: ['polling'] });
			expect(overPolling.message).toBe('bad_origin');
			// Control: the same token from the page's own origin connects over either transport.
			await sockets.connect(url, { token: u.token, origin: url, transports: ['polling'] });
			await sockets.connect(url, { token: u.token, origin: url });
		});

		it('an allowed Origin with only the session cookie connects as that user', async () => {
			const u = await newUser(url);
			const spaceId = await createSpace(url, u);
			const socket = await sockets.connect(url, { cookie: u.cookie, origin: url });
			const ack = await join(socket, { spaceId });
			expect(ack).toMatchObject({ ok: true });
			expect(ack.ok && memberIds(ack.members)).toEqual([u.id]);
		});

		it('a session cookie without Origin is refused: non-browser clients must use a bearer token', async () => {
			const u = await newUser(url);
			for (const transports of [['websocket'], ['polling']] as const) {
				const err = await sockets.refused(url, { cookie: u.cookie, transports: [...transports] });
				expect(err.message, transports[0]).toBe('unauthorized');
			}
		});

		it('a browser long-polling from the same origin (Sec-Fetch-Site, no Origin) connects with its cookie', async () => {
			const u = await newUser(url);
			const sameOrigin = { cookie: u.cookie, transports: ['polling' as const], headers: { 'sec-fetch-site': 'same-origin' } };
			const socket = await sockets.connect(url, sameOrigin);
			const spaceId = await createSpace(url, u);
			expect(await join(socket, { spaceId })).toMatchObject({ ok: true });
			// A cross-site request says so, and the cookie does not count.
			const err = await sockets.refused(url, { ...sameOrigin, headers: { 'sec-fetch-site': 'cross-site' } });
			expect(err.message).toBe('unauthorized');
		});
	});

	describe('space:join and presence', () => {
		it('a member joining gets { ok: true, members } with themselves in it, and what chat needs to start', async () => {
			const u = await newUser(url);
			const spaceId = await createSpace(url, u);
			const socket = await sockets.connect(url, { token: u.token });
			const ack = await join(socket, { spaceId });
			expect(ack).toEqual({
				ok: true,
				members: [{ userId: u.id, displayName: u.user.profile.displayName, role: 'owner' }],
				readingLanguage: u.user.profile.readingLanguage,
				translation: { provider: expect.any(String), available: expect.any(Boolean) },
				lastReadId: null
			});
		});

		it('a non-member or a garbage payload gets { ok: false, error } and the socket stays connected', async () => {
			const owner = await newUser(url);
			const outsider = await newUser(url);
			const theirs = await createSpace(url, owner);
			const mine = await createSpace(url, outsider);
			const socket = await sockets.connect(url, { token: outsider.token });
			const cases: [unknown, string][] = [
				[{ spaceId: theirs }, 'not_found'],
				[{ spaceId: randomUUID() }, 'not_found'],
				[{ spaceId: 'not-a-uuid' }, 'invalid_input'],
				[{ spaceId: 42 }, 'invalid_input'],
				['garbage', 'invalid_input'],
				[null, 'invalid_input'],
				[[1, 2, 3], 'invalid_input']
			];
			for (const [payload, code] of cases) {
				const ack = await join(socket, payload);
				expect(ack, JSON.stringify(payload)).toEqual({ ok: false, error: { code, message: expect.any(String) } });
				expect(!ack.ok && ack.error.message).not.toBe(code);
			}
			// The refused join did not put the outsider in the room: nothing about that space reaches them.
			const ownerSocket = await sockets.connect(url, { token: owner.token });
			let leaked = false;
			socket.on('presence:update', (p) => void (p.spaceId === theirs && (leaked = true)));
			await join(ownerSocket, { spaceId: theirs });
			await expectAlive(socket, mine);
			expect(leaked).toBe(false);
		});

		it('a second member joining sends presence:update to the first, with both of them', async () => {
			const a = await newUser(url);
			const b = await newUser(url);
			const spaceId = await createSpace(url, a);
			await joinSpace(url, a, b, spaceId);
			const socketA = await sockets.connect(url, { token: a.token });
			const socketB = await sockets.connect(url, { token: b.token });
			expect(await join(socketA, { spaceId })).toMatchObject({ ok: true });

			const update = nextMatching<Presence>(socketA, 'presence:update', (p) => p.spaceId === spaceId);
			const ackB = await join(socketB, { spaceId });
			expect(ackB.ok && memberIds(ackB.members)).toEqual([a.id, b.id].sort());
			const seen = await update;
			expect(memberIds(seen.members)).toEqual([a.id, b.id].sort());
			expect(seen.members.find((m) => m.userId === b.id)?.role).toBe('member');

			const left = nextMatching<Presence>(socketA, 'presence:update', (p) => p.spaceId === spaceId && p.members.length === 1);
			socketB.disconnect();
			expect(memberIds((await left).members)).toEqual([a.id]);
		});
		it('leaving a space over HTTP updates presence and takes the leaver’s sockets out of the room', async () => {
			const a = await newUser(url);
			const b = await newUser(url);
			const c = await newUser(url);
			const spaceId = await createSpace(url, a);
			const elsewhere = await createSpace(url, b);
			await joinSpace(url, a, b, spaceId);
			await joinSpace(url, a, c, spaceId);
			const socketA = await sockets.connect(url, { token: a.token });
			const socketB = await sockets.connect(url, { token: b.token });
			await join(socketA, { spaceId });
			await join(socketB, { spaceId });

			const update = nextMatching<Presence>(socketA, 'presence:update', (p) => p.spaceId === spaceId && p.members.length === 1);
			expect((await api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: b.token })).status).toBe(204);
			expect(memberIds((await update).members)).toEqual([a.id]);

			let leaked = false;
			socketB.on('presence:update', (p) => void (p.spaceId === spaceId && (leaked = true)));
			const socketC = await sockets.connect(url, { token: c.token });
			expect(await join(socketC, { spaceId })).toMatchObject({ ok: true });
			await expectAlive(socketB, elsewhere);
			expect(leaked).toBe(false);
			expect(await join(socketB, { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		});

		it('acks speak the person’s language: their profile’s, else the handshake’s Accept-Language', async () => {
			const byProfile = await newUser(url);
			await api(url, '/api/v1/me', { method: 'PATCH', token: byProfile.token, body: { uiLanguage: 'es' } });
			const byHeader = await newUser(url);
			const english = await newUser(url);
			const cases: [TestUser, Record<string, string>][] = [
				[byProfile, { 'accept-language': 'en' }],
				[byHeader, { 'accept-language': 'es-AR,es;q=0.9' }],
				[english, {}]
			];
			const messages: string[] = [];
			for (const [who, headers] of cases) {
				const socket = await sockets.connect(url, { token: who.token, headers });
				const ack = await join(socket, { spaceId: randomUUID() });
				messages.push(ack.ok ? '' : ack.error.message);
			}
			expect(messages[0]).toBe(es.error_not_found);
			expect(messages[1]).toBe(es.error_not_found);
			expect(messages[2]).not.toBe(es.error_not_found);
		});
	});

	describe('sessions that end close their sockets', () => {
		it('a socket is closed with session:ended "expired" when its session reaches its absolute lifetime', async () => {
			const u = await newUser(url);
			const spaceId = await createSpace(url, u);
			const sessionId = createHash('sha256').update(u.token).digest('hex');
			// Seconds left, not milliseconds: the test waits for the event, with a deadline well beyond it.
			await server.db.update(sessions).set({ expiresAt: new Date(Date.now() + 3_000) }).where(eq(sessions.id, sessionId));
			const socket = await sockets.connect(url, { token: u.token });
			await expectAlive(socket, spaceId);
			const ended = nextEvent<{ reason: string }>(socket, 'session:ended', 10_000);
			const disconnected = nextEvent<string>(socket, 'disconnect', 10_000);
			expect(await ended).toEqual({ reason: 'expired' });
			expect(await disconnected).toBe('io server disconnect');
		});

		it('suspension: the socket gets session:ended and is disconnected within 2 s; the token then fails and sign-in gets 403', async () => {
			const u = await newUser(url);
			const second = await signIn(url, u);
			const bystander = await newUser(url);
			const spaceId = await createSpace(url, bystander);
			const socket = await sockets.connect(url, { token: u.token });
			const socket2 = await sockets.connect(url, { token: second.token });
			const other = await sockets.connect(url, { token: bystander.token });

			const ended = nextEvent<{ reason: string }>(socket, 'session:ended', 2_000);
			const disconnected = nextEvent<string>(socket, 'disconnect', 2_000);
			const disconnected2 = nextEvent<string>(socket2, 'disconnect', 2_000);
			const res = await api(url, `/api/v1/users/${u.id}`, { method: 'PATCH', token: admin.token, body: { suspended: true } });
			expect(res.status).toBe(200);
			expect(res.body.user.status).toBe('suspended');
			expect(await ended).toEqual({ reason: 'suspended' });
			expect(await disconnected).toBe('io server disconnect');
			expect(await disconnected2).toBe('io server disconnect');

			expect((await api(url, '/api/v1/me', { token: u.token })).status).toBe(401);
			const again = await api(url, '/api/v1/sessions', { body: { email: u.email, password: PASSWORD } });
			expect(again.status).toBe(403);
			expect(again.body.error.code).toBe('account_suspended');
			expect((await sockets.refused(url, { token: u.token })).message).toBe('unauthorized');
			await expectAlive(other, spaceId);
		});

		it('signing out one session disconnects only that session’s socket', async () => {
			const u = await newUser(url);
			const other = await signIn(url, u);
			const spaceId = await createSpace(url, u);
			const mine = await sockets.connect(url, { token: u.token });
			const theirs = await sockets.connect(url, { token: other.token });

			const ended = nextEvent<{ reason: string }>(mine, 'session:ended', 2_000);
			const disconnected = nextEvent<string>(mine, 'disconnect', 2_000);
			expect((await api(url, '/api/v1/sessions/current', { method: 'DELETE', token: u.token })).status).toBe(204);
			expect(await ended).toEqual({ reason: 'signed_out' });
			expect(await disconnected).toBe('io server disconnect');
			await expectAlive(theirs, spaceId);
		});

		it('signing out everywhere disconnects every socket of that account and no one else’s', async () => {
			const u = await newUser(url);
			const other = await signIn(url, u);
			const bystander = await newUser(url);
			const spaceId = await createSpace(url, bystander);
			const mine = await sockets.connect(url, { token: u.token });
			const theirs = await sockets.connect(url, { cookie: other.cookie, origin: url });
			const unrelated = await sockets.connect(url, { token: bystander.token });

			const closed = [nextEvent<string>(mine, 'disconnect', 2_000), nextEvent<string>(theirs, 'disconnect', 2_000)];
			expect((await api(url, '/api/v1/sessions', { method: 'DELETE', token: u.token })).status).toBe(204);
			expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
			await expectAlive(unrelated, spaceId);
		});

		it('changing the password disconnects the other sessions’ sockets and keeps this one’s', async () => {
			const u = await newUser(url);
			const other = await signIn(url, u);
			const spaceId = await createSpace(url, u);
			const mine = await sockets.connect(url, { token: u.token });
			const theirs = await sockets.connect(url, { token: other.token });

			const disconnected = nextEvent<string>(theirs, 'disconnect', 2_000);
			const res = await api(url, '/api/v1/me/password', {
				method: 'PUT',
				token: u.token,
				body: { currentPassword: PASSWORD, newPassword: 'another long passphrase' }
			});
			expect(res.status).toBe(204);
			expect(await disconnected).toBe('io server disconnect');
			await expectAlive(mine, spaceId);
		});
	});

	describe('malformed traffic', () => {
		const rawSocket = () => new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);

		/** Opens a raw engine.io connection and waits for the server's open packet. */
		async function openRaw(): Promise<WebSocket> {
			const ws = rawSocket();
			const open = await nextEvent<Buffer>(ws, 'message');
			expect(open.toString()).toMatch(/^0\{/);
			return ws;
		}

		it('garbage on the engine.io WebSocket closes only that connection, and the server keeps serving', async () => {
			const u = await newUser(url);
			const spaceId = await createSpace(url, u);
			const bystander = await sockets.connect(url, { token: u.token });

			const attacks: [string, (ws: WebSocket) => void][] = [
				['an unknown engine.io packet type', (ws) => ws.send('zzz not a packet')],
				[
					'a socket.io packet that is not JSON',
					(ws) => {
						ws.send(`40${JSON.stringify({ token: u.token })}`);
						ws.send('42["space:join",{"spaceId":');
					}
				],
				['a frame over the size limit', (ws) => ws.send(`4${'x'.repeat(200 * 1024)}`)],
				['binary garbage', (ws) => ws.send(randomBytes(64))]
			];
			for (const [what, attack] of attacks) {
				const ws = await openRaw();
				const closed = nextEvent(ws, 'close');
				attack(ws);
				await expect(closed, what).resolves.toBeDefined();
			}

			// Control: the same raw path with well-formed packets is served and stays open.
			const ws = await openRaw();
			ws.send(`40${JSON.stringify({ token: u.token })}`);
			expect((await nextEvent<Buffer>(ws, 'message')).toString()).toMatch(/^40\{"sid":/);
			ws.send(`421${JSON.stringify(['space:join', { spaceId }])}`);
			expect((await nextEvent<Buffer>(ws, 'message')).toString()).toMatch(/^431\[\{"ok":true/);
			expect(ws.readyState).toBe(WebSocket.OPEN);
			ws.close();

			await expectAlive(bystander, spaceId);
			const fresh = await sockets.connect(url, { token: u.token });
			await expectAlive(fresh, spaceId);
			const health = await api(url, '/healthz');
			expect(health.status).toBe(200);
			expect(health.body.status).toBe('ok');
		});
	});
});
