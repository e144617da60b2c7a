import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profiles, sessions, spaceInvites } from '../../server/db/schema';
import { api, createInvite, createSpace, newUser, signUpBody, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextEvent } from '../helpers/wait';

const drivers = await availableDrivers();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** A birth date that makes someone exactly `n` today (their birthday was yesterday). */
const yearsAgo = (n: number) => {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - n);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
};

describe.each(drivers)('safeguards (%s)', (driver) => {
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

	it('a 17-year-old cannot sign up as a mentor; as a mentee they can', async () => {
		const young = signUpBody({ role: 'mentor', birthDate: yearsAgo(17) });
		const res = await api(url, '/api/v1/users', { body: young });
		expect(res.status).toBe(400);
		expect(res.body.error.fields.role.code).toBe('mentor_too_young');
		expect((await api(url, '/api/v1/users', { body: { ...young, role: 'mentee' } })).status).toBe(201);
	});

	it('the owner of a profile cannot change their date of birth, and nothing else in that request is saved', async () => {
		// Under the consent age (16): a guardian is named, and the account is pending until they confirm.
		const u = await newUser(url, { birthDate: yearsAgo(14), guardianName: 'Rosa Example', guardianEmail: 'rosa@example.org' });
		const res = await api(url, '/api/v1/me', { method: 'PATCH', token: u.token, body: { birthDate: '1980-01-01', bio: 'changed' } });
		expect(res.status).toBe(400);
		expect(res.body.error.fields.birthDate.code).toBe('birth_date_locked');
		const [row] = await server.db.select().from(profiles).where(eq(profiles.userId, u.id));
		expect(row).toMatchObject({ birthDate: yearsAgo(14), bio: '' });
	});

	it('a NUL byte or a bidi override gets a clear 400, never a 500, and changes nothing', async () => {
		const u = await newUser(url);
		for (const body of [{ bio: 'my diary\u0000' }, { displayName: 'Kid\u202Eevil' }, { passions: ['art\u0000'] }]) {
			const res = await api(url, '/api/v1/me', { method: 'PATCH', token: u.token, body });
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(Object.values(res.body.error.fields as Record<string, { code: string }>)[0]!.code).toBe('invalid_characters');
		}
		const title = await api(url, '/api/v1/spaces', { token: u.token, body: { title: 'x\u0000', kind: 'pair' } });
		expect(title.status).toBe(400);
		const me = await api(url, '/api/v1/me', { token: u.token });
		expect(me.body.user.profile).toMatchObject({ bio: '', displayName: 'Test Person', passions: [] });
	});

	it('a member can invite members but only the owner can let an observer in', async () => {
		const owner = await newUser(url);
		const member = await newUser(url);
		const spaceId = await createSpace(url, owner, { kind: 'collective' });
		const code = await createInvite(url, owner, spaceId);
		expect((await api(url, `/api/v1/invites/${code}/accept`, { method: 'POST', token: member.token })).status).toBe(200);
		const observerByMember = await api(url, `/api/v1/spaces/${spaceId}/invites`, { token: member.token, body: { role: 'observer' } });
		expect(observerByMember.status).toBe(403);
		expect((await api(url, `/api/v1/spaces/${spaceId}/invites`, { token: member.token, body: { role: 'member' } })).status).toBe(201);
		expect((await api(url, `/api/v1/spaces/${spaceId}/invites`, { token: owner.token, body: { role: 'observer' } })).status).toBe(201);
	});

	it("an invite preview names the space only while the link works", async () => {
		const owner = await newUser(url);
		const spaceId = await createSpace(url, owner, { title: 'Secret garden club' });
		const code = await createInvite(url, owner, spaceId);
		expect(await server.app.spaces.previewInvite(code)).toMatchObject({ spaceTitle: 'Secret garden club', state: 'valid' });
		await server.db.update(spaceInvites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(spaceInvites.spaceId, spaceId));
		expect(await server.app.spaces.previewInvite(code)).toEqual({ spaceTitle: null, kind: 'collective', state: 'expired' });
	});

	it('an idle session is purged and its open socket is told and closed', async () => {
		const u = await newUser(url);
		const socket = await sockets.connect(url, { token: u.token });
		const ended = nextEvent<{ reason: string }>(socket, 'session:ended', 2_000);
		const closed = nextEvent(socket, 'disconnect', 2_000);
		await server.db
			.update(sessions)
			.set({ lastSeenAt: sql`now() - interval '2 hours'` })
			.where(eq(sessions.id, sha256(u.token)));
		expect(await server.app.accounts.purgeExpiredSessions()).toBeGreaterThanOrEqual(1);
		expect(await ended).toEqual({ reason: 'expired' });
		await closed;
		expect((await api(url, '/api/v1/me', { token: u.token })).status).toBe(401);
	});

	it('activity on a socket never revives a session that already went idle', async () => {
		const u = await newUser(url);
		const stale = new Date(Date.now() - 2 * 3_600_000);
		await server.db.update(sessions).set({ lastSeenAt: stale }).where(eq(sessions.id, sha256(u.token)));
		await server.app.accounts.touchSession(sha256(u.token));
		const [row] = await server.db.select().from(sessions).where(eq(sessions.id, sha256(u.token)));
		expect(row!.lastSeenAt.getTime()).toBe(stale.getTime());
	});

	it('an admin change to an unknown account is a 404, and role plus suspension apply all or nothing', async () => {
		const missing = await api(url, '/api/v1/users/00000000-0000-4000-8000-000000000000', { method: 'PATCH', token: admin.token, body: { role: 'mentor' } });
		expect(missing.status).toBe(404);
		// Demoting the only admin while suspending nobody: refused whole.
		const self = await api(url, `/api/v1/users/${admin.id}`, { method: 'PATCH', token: admin.token, body: { role: 'mentee' } });
		expect(self.status).toBe(409);
		const target = await newUser(url);
		const both = await api(url, `/api/v1/users/${target.id}`, { method: 'PATCH', token: admin.token, body: { role: 'moderator', suspended: true } });
		expect(both.status).toBe(200);
		expect(both.body.user).toMatchObject({ id: target.id, role: 'moderator', status: 'suspended' });
	});

	it('two admins demoting each other at the same moment leave one admin, never none', async () => {
		const other = await newUser(url);
		expect((await api(url, `/api/v1/users/${other.id}`, { method: 'PATCH', token: admin.token, body: { role: 'admin' } })).status).toBe(200);
		const [a, b] = await Promise.all([
			api(url, `/api/v1/users/${other.id}`, { method: 'PATCH', token: admin.token, body: { role: 'mentor' } }),
			api(url, `/api/v1/users/${admin.id}`, { method: 'PATCH', token: other.token, body: { role: 'mentor' } })
		]);
		// The loser gets 409 last_admin, or 403 if the winner's change made it a non-admin first.
		expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
		expect([a.status, b.status].find((s) => s !== 200)).toBeOneOf([403, 409]);
		const admins = (await server.app.accounts.listUsers()).filter((x) => x.role === 'admin' && x.status === 'active');
		expect(admins).toHaveLength(1);
	});
});
