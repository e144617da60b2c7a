import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consents, guardianConsents, outbox } from '../../server/db/schema';
import { acceptInvite, api, createInvite, createSpace, newUser, signIn, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { consentToken, minorBody, newStaff, submitConsent } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { createDocument, rawUpgrade } from '../helpers/yjs';

const drivers = await availableDrivers();

describe.each(drivers)('guardian consent at sign-up (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	/** Log lines, to prove guardian addresses and tokens never reach them. */
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { logLevel: 'info', logDestination: { write: (line: string) => void logs.push(line) } }
		});
		url = server.url;
		admin = await newUser(url);
		moderator = await newStaff(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** Signs up a 13-year-old with a guardian and signs them in. */
	async function pendingMinor(overrides: Record<string, unknown> = {}) {
		const body = minorBody(13, overrides);
		const res = await api(url, '/api/v1/users', { body });
		expect(res.status, res.text).toBe(201);
		const session = await signIn(url, { email: body.email as string, password: body.password as string });
		return { ...session, id: session.user.id, guardianEmail: body.guardianEmail as string };
	}

	it('under the consent age, sign-up without a guardian is refused with field codes and creates nothing', async () => {
		const body = minorBody(13, { guardianName: undefined, guardianEmail: undefined });
		const res = await api(url, '/api/v1/users', { body });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('invalid_input');
		expect(res.body.error.fields.guardianName.code).toBe('guardian_required');
		expect(res.body.error.fields.guardianEmail.code).toBe('guardian_required');
		const bad = await api(url, '/api/v1/users', { body: { ...body, guardianName: 'Rosa', guardianEmail: 'not-an-email' } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.fields.guardianEmail.code).toBe('email_invalid');
		expect((await api(url, '/api/v1/sessions', { body: { email: body.email, password: body.password } })).status).toBe(401);
	});

	it('with a guardian the account is pending: it signs in and /me says pending_consent', async () => {
		const minor = await pendingMinor();
		expect(minor.user.status).toBe('pending_consent');
		const me = await api(url, '/api/v1/me', { token: minor.token });
		expect(me.status).toBe(200);
		expect(me.body.user.status).toBe('pending_consent');
		// Only the token's hash is stored; the link waits in the outbox for an admin to pass on (no SMTP_URL here).
		const [request] = await server.db.select().from(guardianConsents).where(eq(guardianConsents.userId, minor.id));
		expect(request!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
		expect(request!.expiresAt.getTime() - request!.createdAt.getTime()).toBe(7 * 86_400_000);
		const token = await consentToken(url, admin, minor.guardianEmail);
		expect(request!.tokenHash).not.toContain(token);
		// Nothing is granted yet.
		const ledger = await api(url, '/api/v1/me/consents', { token: minor.token });
		expect(ledger.body.current.every((c: { granted: boolean }) => !c.granted)).toBe(true);
		expect(ledger.body.canGrantForSelf).toBe(false);
	});

	it('a pending account can create, list, join or see no space over HTTP', async () => {
		const minor = await pendingMinor();
		const create = await api(url, '/api/v1/spaces', { token: minor.token, body: { title: 'Mine', kind: 'collective', supervisorId: moderator.id } });
		expect(create.status).toBe(403);
		expect(create.body.error.code).toBe('consent_pending');
		const list = await api(url, '/api/v1/spaces', { token: minor.token });
		expect(list.status).toBe(403);
		expect(list.body.error.code).toBe('consent_pending');
		const owner = await newUser(url);
		const spaceId = await createSpace(url, owner, { title: 'Supervised' });
		const code = await createInvite(url, owner, spaceId);
		const join = await acceptInvite(url, minor, code);
		expect(join.status).toBe(403);
		expect(join.body.error.code).toBe('consent_pending');
		expect((await api(url, `/api/v1/spaces/${spaceId}`, { token: minor.token })).body.error.code).toBe('consent_pending');
	});

	it('a pending account cannot space:join over Socket.IO nor open a Yjs document', async () => {
		const minor = await pendingMinor();
		// Put them in a space behind the rules' back, to prove the refusal is about consent, not membership.
		const owner = await newUser(url);
		const spaceId = await createSpace(url, owner);
		const docId = await createDocument(url, owner, spaceId);
		await server.db.execute(sql`insert into space_members (space_id, user_id, role) values (${spaceId}, ${minor.id}, 'member')`);
		const socket = await sockets.connect(url, { token: minor.token });
		const ack = await request(socket, 'space:join', { spaceId });
		expect(ack).toMatchObject({ ok: false, error: { code: 'consent_pending' } });
		const upgrade = await rawUpgrade(url, `/yjs/${docId}?token=${encodeURIComponent(minor.token)}`);
		expect(upgrade.status).toBe(403);
		expect((await api(url, `/api/v1/documents/${docId}`, { token: minor.token })).status).toBe(404);
	});

	it('the guardian confirms once: the account becomes active and the ledger shows their grants', async () => {
		const minor = await pendingMinor({ displayName: 'Lina' });
		const token = await consentToken(url, admin, minor.guardianEmail);
		const page = await api(url, `/consent/${token}`);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Lina');
		// The token is in the path: the page tells the browser to send no Referer from it.
		expect(page.text).toContain('<meta name="referrer" content="no-referrer"');
		expect(page.headers.get('cache-control')).toBe('no-store');

		// Participation is required.
		expect(await submitConsent(url, token, ['exhibition'])).toEqual({ type: 'failure', status: 400 });
		expect((await api(url, '/api/v1/me', { token: minor.token })).body.user.status).toBe('pending_consent');

		expect(await submitConsent(url, token, ['participation', 'evaluation'])).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/me', { token: minor.token })).body.user.status).toBe('active');
		const ledger = await api(url, '/api/v1/me/consents', { token: minor.token });
		const granted = Object.fromEntries(ledger.body.current.map((c: { purpose: string; granted: boolean; grantedBy: string | null }) => [c.purpose, c.granted && c.grantedBy]));
		expect(granted).toEqual({ participation: 'guardian', recording: false, exhibition: false, evaluation: 'guardian' });
		const rows = await server.db.select().from(consents).where(eq(consents.userId, minor.id));
		const [confirmed] = await server.db.select().from(guardianConsents).where(eq(guardianConsents.userId, minor.id));
		expect(rows.every((r) => r.guardianConsentId === confirmed!.id)).toBe(true);
		expect(confirmed!.confirmedAt).not.toBeNull();
		expect(confirmed!.purposes).toEqual(['participation', 'evaluation']);

		// Now the minor reaches spaces (with a supervisor, as the policy asks).
		const created = await api(url, '/api/v1/spaces', { token: minor.token, body: { title: 'Mine', kind: 'collective', supervisorId: moderator.id } });
		expect(created.status).toBe(201);

		// The link is spent: a second use is refused and the page says so.
		expect(await submitConsent(url, token, ['participation'])).toEqual({ type: 'failure', status: 410 });
		expect((await api(url, `/consent/${token}`)).text).not.toContain('Lina');
	});

	it('the guardian’s form works without JavaScript too', async () => {
		const minor = await pendingMinor({ displayName: 'Sami' });
		const token = await consentToken(url, admin, minor.guardianEmail);
		const res = await api(url, `/consent/${token}`, {
			raw: new URLSearchParams({ participation: 'yes' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html' }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.text).toContain('Sami');
		expect((await api(url, '/api/v1/me', { token: minor.token })).body.user.status).toBe('active');
	});

	it('an expired link and a superseded link are refused; the newest link works', async () => {
		const minor = await pendingMinor();
		const first = await consentToken(url, admin, minor.guardianEmail);
		const resend = await api(url, '/api/v1/me/consents/guardian', { token: minor.token, body: {} });
		expect(resend.status).toBe(202);
		const second = await consentToken(url, admin, minor.guardianEmail);
		expect(second).not.toBe(first);
		expect(await submitConsent(url, first, ['participation'])).toEqual({ type: 'failure', status: 410 });

		await server.db.update(guardianConsents).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(guardianConsents.userId, minor.id));
		expect(await submitConsent(url, second, ['participation'])).toEqual({ type: 'failure', status: 410 });
		expect((await api(url, '/api/v1/me', { token: minor.token })).body.user.status).toBe('pending_consent');

		await api(url, '/api/v1/me/consents/guardian', { token: minor.token, body: {} });
		const third = await consentToken(url, admin, minor.guardianEmail);
		expect(await submitConsent(url, third, ['participation'])).toMatchObject({ type: 'success' });
		expect((await api(url, '/api/v1/me', { token: minor.token })).body.user.status).toBe('active');
		// An unknown or malformed token gets the same calm refusal.
		expect(await submitConsent(url, 'A'.repeat(43), ['participation'])).toEqual({ type: 'failure', status: 404 });
	});

	it('an adult needs no guardian and cannot ask for one; their own sign-up grants participation', async () => {
		const adult = await newUser(url);
		const ledger = await api(url, '/api/v1/me/consents', { token: adult.token });
		expect(ledger.body.current.find((c: { purpose: string }) => c.purpose === 'participation')).toMatchObject({ granted: true, grantedBy: 'self' });
		const ask = await api(url, '/api/v1/me/consents/guardian', { token: adult.token, body: { guardianName: 'X', guardianEmail: 'x@example.org' } });
		expect(ask.status).toBe(409);
		expect(ask.body.error.code).toBe('guardian_not_needed');
	});

	it('guardian addresses and consent tokens never reach the logs', async () => {
		const minor = await pendingMinor();
		const token = await consentToken(url, admin, minor.guardianEmail);
		await submitConsent(url, token, ['participation']);
		const all = logs.join('');
		expect(all).toContain('guardian consent confirmed');
		expect(all).not.toContain(minor.guardianEmail);
		expect(all).not.toContain(token);
		// The request, and the standing link mailed once they confirmed.
		const mail = await server.db.select().from(outbox).where(eq(outbox.toAddress, minor.guardianEmail));
		expect(mail.map((m) => m.kind).sort()).toEqual(['guardian_consent', 'guardian_link']);
	});
});
