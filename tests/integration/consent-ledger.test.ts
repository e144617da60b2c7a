import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, createSpace, newUser, type TestUser } from '../helpers/api';
import { request, sendOk, storedCount } from '../helpers/chat';
import { consentToken, minorBody, submitConsent } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextEvent } from '../helpers/wait';
import { createDocument, YClient } from '../helpers/yjs';
import { signIn } from '../helpers/api';

const drivers = await availableDrivers();

describe.each(drivers)('consent ledger (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	const sockets = new Sockets();
	const clients: YClient[] = [];

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		admin = await newUser(url);
	});
	afterEach(() => {
		sockets.closeAll();
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	const current = async (who: { token: string }, purpose: string) =>
		(await api(url, '/api/v1/me/consents', { token: who.token })).body.current.find((c: { purpose: string }) => c.purpose === purpose);

	it('an adult grants and withdraws purposes for themselves, and the history keeps every step', async () => {
		const u = await newUser(url);
		expect(await current(u, 'exhibition')).toMatchObject({ granted: false });
		const granted = await api(url, '/api/v1/me/consents', { token: u.token, body: { purpose: 'exhibition' } });
		expect(granted.status).toBe(200);
		expect(await current(u, 'exhibition')).toMatchObject({ granted: true, grantedBy: 'self' });
		// Granting twice is harmless.
		expect((await api(url, '/api/v1/me/consents', { token: u.token, body: { purpose: 'exhibition' } })).status).toBe(200);
		const revoked = await api(url, '/api/v1/me/consents/exhibition', { method: 'DELETE', token: u.token });
		expect(revoked.status).toBe(200);
		expect(await current(u, 'exhibition')).toMatchObject({ granted: false });
		const history = (await api(url, '/api/v1/me/consents', { token: u.token })).body.history.filter((h: { purpose: string }) => h.purpose === 'exhibition');
		expect(history).toEqual([{ purpose: 'exhibition', grantedBy: 'self', grantedAt: expect.any(String), revokedAt: expect.any(String), revokedBy: 'self' }]);
		expect(await server.app.safeguarding.hasConsent({ userId: u.id, purpose: 'exhibition' })).toBe(false);
	});

	it('an unknown purpose is refused with a clear code and changes nothing', async () => {
		const u = await newUser(url);
		const bad = await api(url, '/api/v1/me/consents', { token: u.token, body: { purpose: 'marketing' } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.fields.purpose.code).toBe('purpose_invalid');
		expect((await api(url, '/api/v1/me/consents/marketing', { method: 'DELETE', token: u.token })).status).toBe(404);
		expect((await api(url, '/api/v1/me/consents')).status).toBe(401);
	});

	it('withdrawing participation disconnects the live socket and document connection and blocks rejoining; granting again restores', async () => {
		const u = await newUser(url);
		const spaceId = await createSpace(url, u);
		const docId = await createDocument(url, u, spaceId);
		const socket = await sockets.connect(url, { token: u.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const doc = new YClient({ url, docId, token: u.token });
		clients.push(doc);
		await nextEvent(doc.events, 'open');

		const ended = nextEvent<{ reason: string }>(socket, 'session:ended');
		const disconnected = nextEvent(socket, 'disconnect');
		const docClosed = nextEvent<{ code: number }>(doc.events, 'close');
		const res = await api(url, '/api/v1/me/consents/participation', { method: 'DELETE', token: u.token });
		expect(res.status).toBe(200);
		expect(await ended).toEqual({ reason: 'consent_withdrawn' });
		await disconnected;
		await docClosed;
		doc.provider.disconnect();

		// Still signed in, but no space: not over HTTP, not over a new socket.
		expect((await api(url, '/api/v1/me', { token: u.token })).status).toBe(200);
		const list = await api(url, '/api/v1/spaces', { token: u.token });
		expect(list.status).toBe(403);
		expect(list.body.error.code).toBe('consent_withdrawn');
		const again = await sockets.connect(url, { token: u.token });
		expect(await request(again, 'space:join', { spaceId })).toMatchObject({ ok: false, error: { code: 'consent_withdrawn' } });

		const regrant = await api(url, '/api/v1/me/consents', { token: u.token, body: { purpose: 'participation' } });
		expect(regrant.status).toBe(200);
		expect(await request(again, 'space:join', { spaceId })).toMatchObject({ ok: true });
		expect((await api(url, '/api/v1/spaces', { token: u.token })).body.spaces).toHaveLength(1);
	});

	it('a socket opened after withdrawing cannot send, edit, delete or read in a space it wrote in a moment before, without joining it', async () => {
		const u = await newUser(url);
		const spaceId = await createSpace(url, u);
		const socket = await sockets.connect(url, { token: u.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		// Sending makes chat remember this member's role for a few seconds.
		const sent = await sendOk(socket, spaceId, 'see you on Tuesday');

		const disconnected = nextEvent(socket, 'disconnect');
		expect((await api(url, '/api/v1/me/consents/participation', { method: 'DELETE', token: u.token })).status).toBe(200);
		await disconnected;

		// A client that skips space:join and writes straight away.
		const again = await sockets.connect(url, { token: u.token });
		expect(await request(again, 'chat:send', { spaceId, clientId: randomUUID(), text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await request(again, 'chat:edit', { spaceId, messageId: sent.id, text: 'changed' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await request(again, 'chat:delete', { spaceId, messageId: sent.id })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await request(again, 'chat:history', { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		expect(await storedCount(server, spaceId)).toBe(1);
	});

	it('the consent page lists each purpose and withdraws or gives one through its form', async () => {
		const u = await newUser(url);
		const page = await api(url, '/consent', { cookie: u.cookie });
		expect(page.status).toBe(200);
		const form = (action: string, purpose: string) =>
			api(url, `/consent?/${action}`, {
				cookie: u.cookie,
				raw: new URLSearchParams({ purpose }).toString(),
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'x-sveltekit-action': 'true', accept: 'application/json' }
			});
		expect((await form('grant', 'recording')).body.type).toBe('success');
		expect(await current(u, 'recording')).toMatchObject({ granted: true, grantedBy: 'self' });
		expect((await form('withdraw', 'recording')).body.type).toBe('success');
		expect(await current(u, 'recording')).toMatchObject({ granted: false });
		expect((await form('withdraw', 'marketing')).body).toMatchObject({ type: 'failure', status: 400 });
	});

	it('a minor under the consent age cannot grant for themselves; withdrawing works and their guardian grants again', async () => {
		const body = minorBody(12);
		expect((await api(url, '/api/v1/users', { body })).status).toBe(201);
		const minor = await signIn(url, { email: body.email as string, password: body.password as string });
		await submitConsent(url, await consentToken(url, admin, body.guardianEmail as string), ['participation']);

		const selfGrant = await api(url, '/api/v1/me/consents', { token: minor.token, body: { purpose: 'exhibition' } });
		expect(selfGrant.status).toBe(403);
		expect(selfGrant.body.error.code).toBe('consent_guardian_only');
		expect((await api(url, '/api/v1/me/consents/participation', { method: 'DELETE', token: minor.token })).status).toBe(200);
		expect((await api(url, '/api/v1/spaces', { token: minor.token })).body.error.code).toBe('consent_withdrawn');
		expect((await api(url, '/api/v1/me/consents', { token: minor.token, body: { purpose: 'participation' } })).status).toBe(403);

		expect((await api(url, '/api/v1/me/consents/guardian', { token: minor.token, body: {} })).status).toBe(202);
		expect(await submitConsent(url, await consentToken(url, admin, body.guardianEmail as string), ['participation'])).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/spaces', { token: minor.token })).status).toBe(200);
	});
});
