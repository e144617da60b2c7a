import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, chatMessages, profiles, users } from '../../server/db/schema';
import { acceptInvite, api, createInvite, createSpace, joinSpace, newUser, signIn, type TestUser } from '../helpers/api';
import { request, sendOk } from '../helpers/chat';
import { minorBirthDate } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent } from '../helpers/wait';

const drivers = await availableDrivers();

describe.each(drivers)('data rights: download and deletion (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		admin = await newUser(server.url); // the first account is the admin
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	async function connected(user: TestUser, spaceId: string): Promise<ClientSocket> {
		const socket = await sockets.connect(server.url, { token: user.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		return socket;
	}

	/** A space supervised by a moderator, with a 17-year-old in it. */
	async function spaceWithMinor(owner: TestUser): Promise<{ spaceId: string; minor: TestUser }> {
		const moderator = await newUser(server.url);
		expect((await api(server.url, `/api/v1/users/${moderator.id}`, { method: 'PATCH', token: admin.token, body: { role: 'moderator' } })).status).toBe(200);
		const res = await api(server.url, '/api/v1/spaces', { token: owner.token, body: { title: 'Supervised', kind: 'collective', supervisorId: moderator.id } });
		expect(res.status).toBe(201);
		const spaceId = res.body.id as string;
		const minor = await newUser(server.url, { birthDate: minorBirthDate() });
		expect((await acceptInvite(server.url, minor, await createInvite(server.url, owner, spaceId))).status).toBe(200);
		return { spaceId, minor };
	}

	it('the download holds the account, profile, spaces, own messages with their earlier versions — and nothing others wrote', async () => {
		const me = await newUser(server.url, { bio: 'I draw comics', passions: ['comics'] });
		const friend = await newUser(server.url);
		const spaceId = await createSpace(server.url, me, { title: 'Comics club' });
		await joinSpace(server.url, me, friend, spaceId);
		const [mine, theirs] = [await connected(me, spaceId), await connected(friend, spaceId)];
		const first = await sendOk(mine, spaceId, 'my first panel');
		expect(await request(mine, 'chat:edit', { spaceId, messageId: first.id, text: 'my first page' })).toMatchObject({ ok: true });
		const secret = `their words ${randomUUID()}`;
		await sendOk(theirs, spaceId, secret);

		const res = await api(server.url, '/api/v1/me/export', { token: me.token });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="tessera-data-\d{4}-\d{2}-\d{2}\.json"$/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const data = res.body;
		expect(data.account).toMatchObject({ id: me.id, email: me.email });
		expect(data.profile).toMatchObject({ bio: 'I draw comics', passions: ['comics'] });
		expect(data.spaces).toEqual([expect.objectContaining({ id: spaceId, title: 'Comics club', role: 'owner' })]);
		expect(data.chatMessages).toEqual([expect.objectContaining({ id: first.id, text: 'my first page', earlierVersions: [expect.objectContaining({ text: 'my first panel' })] })]);
		expect(data.sessions.length).toBeGreaterThan(0);
		expect(res.text).not.toContain(secret);
		expect(res.text).not.toContain(friend.email);
		expect(res.text).not.toMatch(/passwordHash|password_hash|argon2/);

		expect((await api(server.url, '/api/v1/me/export')).status).toBe(401);
	});

	it('deletion needs the password; a wrong one changes nothing', async () => {
		const me = await newUser(server.url);
		const res = await api(server.url, '/api/v1/me/deletion', { token: me.token, body: { password: 'not my password at all' } });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('wrong_password');
		expect((await api(server.url, '/api/v1/me', { token: me.token })).status).toBe(200);
		await signIn(server.url, me);
		expect((await api(server.url, '/api/v1/me/deletion', { token: me.token, body: {} })).status).toBe(400);
	});

	it('deleting an account signs it out everywhere, blanks its ordinary messages and keeps those in a minor’s space for review', async () => {
		const me = await newUser(server.url);
		const friend = await newUser(server.url);
		const plain = await createSpace(server.url, me, { title: 'Adults only' });
		await joinSpace(server.url, me, friend, plain);
		const { spaceId: supervised, minor } = await spaceWithMinor(me);
		const socket = await connected(me, plain);
		const ordinary = await sendOk(socket, plain, 'an ordinary message');
		const edited = await sendOk(socket, plain, 'first version');
		expect(await request(socket, 'chat:edit', { spaceId: plain, messageId: edited.id, text: 'second version' })).toMatchObject({ ok: true });
		expect(await request(socket, 'space:join', { spaceId: supervised })).toMatchObject({ ok: true });
		const kept = await sendOk(socket, supervised, 'a message a minor read');

		const ended = nextEvent<{ reason: string }>(socket, 'session:ended');
		const res = await api(server.url, '/api/v1/me/deletion', { token: me.token, body: { password: me.password } });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ deleted: true, keptMessages: 1, removedMessages: 2 });
		expect(res.headers.getSetCookie().some((c) => c.startsWith('tessera_session=;') || /tessera_session=.*Max-Age=0/i.test(c))).toBe(true);
		await ended;

		// Gone for good: the session, the sign-in, the profile.
		expect((await api(server.url, '/api/v1/me', { token: me.token })).status).toBe(401);
		expect((await api(server.url, '/api/v1/sessions', { body: { email: me.email, password: me.password } })).status).toBe(401);
		expect(await server.db.select().from(profiles).where(eq(profiles.userId, me.id))).toEqual([]);
		const [account] = await server.db.select().from(users).where(eq(users.id, me.id));
		expect(account!.email).not.toContain(me.email.split('@')[0]!);
		expect(account!.deletedAt).toBeInstanceOf(Date);

		// Ordinary messages are blanked (readers see them as deleted); the one in the minor's space is kept as written.
		const rows = await server.db.select().from(chatMessages).where(eq(chatMessages.authorId, me.id));
		const byId = new Map(rows.map((r) => [r.id, r]));
		expect(byId.get(ordinary.id)).toMatchObject({ text: '', deletedAt: expect.any(Date) });
		expect(byId.get(edited.id)).toMatchObject({ text: '', deletedAt: expect.any(Date) });
		// Kept as written for moderators, gone from the conversation for its readers.
		expect(byId.get(kept.id)).toMatchObject({ text: 'a message a minor read', deletedAt: expect.any(Date) });
		const history = await request(await connected(friend, plain), 'chat:history', { spaceId: plain });
		expect(history.ok && history.messages.filter((m) => m.authorId === me.id).map((m) => m.text)).toEqual(['', '']);
		const minorsView = await request(await connected(minor, supervised), 'chat:history', { spaceId: supervised });
		expect(minorsView.ok && minorsView.messages.find((m) => m.id === kept.id)).toMatchObject({ text: '', deletedAt: expect.any(String) });

		const audit = await server.db.select().from(auditLog).where(eq(auditLog.targetId, me.id));
		expect(audit.map((a) => a.action)).toContain('user.delete');
	});

	it('after the retention period the deleted account and what was kept for it are purged', async () => {
		const me = await newUser(server.url);
		const { spaceId } = await spaceWithMinor(me);
		const socket = await connected(me, spaceId);
		const kept = await sendOk(socket, spaceId, 'kept until the period ends');
		expect((await api(server.url, '/api/v1/me/deletion', { token: me.token, body: { password: me.password } })).status).toBe(200);

		const days = (await server.app.safeguarding.policy()).retentionDays;
		expect(await server.app.privacy.purgeExpired(new Date(Date.now() + (days - 1) * 86_400_000))).toBe(0);
		expect(await server.db.select().from(chatMessages).where(eq(chatMessages.id, kept.id))).toHaveLength(1);

		expect(await server.app.privacy.purgeExpired(new Date(Date.now() + (days + 1) * 86_400_000))).toBeGreaterThanOrEqual(1);
		expect(await server.db.select().from(chatMessages).where(eq(chatMessages.id, kept.id))).toEqual([]);
		expect(await server.db.select().from(users).where(eq(users.id, me.id))).toEqual([]);
		// The audit log keeps the entry, without the person.
		const audit = await server.db.select().from(auditLog).where(eq(auditLog.targetId, me.id));
		expect(audit.find((a) => a.action === 'user.delete')).toMatchObject({ actorId: null });
	});
});
