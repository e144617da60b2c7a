import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatMessageEdits, chatMessages, spaceMembers } from '../../server/db/schema';
import { acceptInvite, api, createInvite, createSpace, newUser, type TestUser } from '../helpers/api';
import { request, sendOk } from '../helpers/chat';
import { newStaff, yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

describe.each(drivers)('minors and supervised spaces (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		admin = await newUser(url);
		moderator = await newStaff(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** 17: a minor, old enough (16+) to consent for themselves under the default policy. */
	const newMinor = () => newUser(url, { birthDate: yearsAgo(17) });
	const spaceBody = (extra: Record<string, unknown> = {}) => ({ title: 'Our garden', kind: 'collective', ...extra });
	const membersOf = async (spaceId: string) =>
		(await server.db.select().from(spaceMembers).where(eq(spaceMembers.spaceId, spaceId))).map((m) => [m.userId, m.role]);

	it('a minor cannot create a space without a supervisor; a mentor is no supervisor; a moderator is', async () => {
		const minor = await newMinor();
		expect(await server.app.safeguarding.isMinor(minor.id)).toBe(true);
		const alone = await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody() });
		expect(alone.status).toBe(400);
		expect(alone.body.error.fields.supervisorId.code).toBe('supervisor_required');

		const mentor = await newUser(url, { role: 'mentor' });
		const byMentor = await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody({ supervisorId: mentor.id }) });
		expect(byMentor.status).toBe(400);
		expect(byMentor.body.error.fields.supervisorId.code).toBe('supervisor_invalid');
		expect((await api(url, '/api/v1/spaces', { token: minor.token })).body.spaces).toEqual([]);

		const supervised = await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody({ supervisorId: moderator.id }) });
		expect(supervised.status).toBe(201);
		expect(supervised.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual(
			expect.arrayContaining([
				[minor.id, 'owner'],
				[moderator.id, 'supervisor']
			])
		);
		expect(await server.app.safeguarding.minorsIn(supervised.body.id)).toEqual([minor.id]);
	});

	it('a minor cannot join a space without a supervisor; with one they can', async () => {
		const minor = await newMinor();
		const adult = await newUser(url, { role: 'mentor' });
		const plain = await createSpace(url, adult);
		const refused = await acceptInvite(url, minor, await createInvite(url, adult, plain));
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('supervisor_required');
		expect(await membersOf(plain)).toEqual([[adult.id, 'owner']]);

		const supervised = await api(url, '/api/v1/spaces', { token: adult.token, body: spaceBody({ supervisorId: moderator.id }) });
		expect(supervised.status).toBe(201);
		expect(await server.app.safeguarding.minorsIn(supervised.body.id)).toEqual([]);
		const joined = await acceptInvite(url, minor, await createInvite(url, adult, supervised.body.id));
		expect(joined.status).toBe(200);
		// The membership change shows at once, not after the cache expires.
		expect(await server.app.safeguarding.minorsIn(supervised.body.id)).toEqual([minor.id]);
	});

	it("a space's last supervisor cannot leave or be removed while a minor is in it", async () => {
		const minor = await newMinor();
		const created = await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody({ supervisorId: moderator.id }) });
		const spaceId = created.body.id as string;
		const leave = await api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: moderator.token });
		expect(leave.status).toBe(409);
		expect(leave.body.error.code).toBe('last_supervisor');
		const removed = await api(url, `/api/v1/spaces/${spaceId}/members/${moderator.id}`, { method: 'DELETE', token: minor.token });
		expect(removed.status).toBe(409);
		expect(await membersOf(spaceId)).toContainEqual([moderator.id, 'supervisor']);
		// Once the minor has left, the supervisor may go too.
		expect((await api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: minor.token })).status).toBe(204);
		expect((await api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: moderator.token })).status).toBe(204);
	});

	it('with supervised spaces switched off in the policy, a minor creates a space alone', async () => {
		await server.app.safeguarding.updatePolicy({ actorId: admin.id, patch: { supervisedSpacesForMinors: false } });
		try {
			const minor = await newMinor();
			expect((await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody() })).status).toBe(201);
		} finally {
			await server.app.safeguarding.updatePolicy({ actorId: admin.id, patch: { supervisedSpacesForMinors: true } });
		}
	});

	it('there is no way to message someone outside a space: no socket event, no HTTP endpoint', async () => {
		const minor = await newMinor();
		const adult = await newUser(url, { role: 'mentor' });
		const minorSocket = await sockets.connect(url, { token: minor.token });
		const received: string[] = [];
		minorSocket.onAny((event: string) => received.push(event));
		const adultSocket = await sockets.connect(url, { token: adult.token });
		for (const event of ['dm:send', 'message:send', 'chat:send-direct', 'user:message']) {
			(adultSocket.emit as (ev: string, ...args: unknown[]) => void)(event, { userId: minor.id, to: minor.id, text: 'hi, add me elsewhere' });
		}
		// A chat:send without a space is refused; and since events are handled in order, every earlier emit is done.
		const direct = await request(adultSocket, 'chat:send', { userId: minor.id, clientId: randomUUID(), text: 'hi' });
		expect(direct).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
		expect(received).toEqual([]);
		expect(adultSocket.connected).toBe(true);
		for (const path of ['/api/v1/messages', `/api/v1/users/${minor.id}/messages`, '/api/v1/conversations', '/api/v1/dm']) {
			const res = await api(url, path, { token: adult.token, body: { to: minor.id, text: 'hi' } });
			expect(res.status, path).toBeOneOf([404, 405]);
		}
		const stored = await server.db.select().from(chatMessages).where(eq(chatMessages.authorId, adult.id));
		expect(stored).toEqual([]);
	});

	it("in a minor's space an edited and a deleted message keep their texts in the database", async () => {
		const minor = await newMinor();
		const created = await api(url, '/api/v1/spaces', { token: minor.token, body: spaceBody({ supervisorId: moderator.id }) });
		const spaceId = created.body.id as string;
		const socket = await sockets.connect(url, { token: minor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const first = await sendOk(socket, spaceId, 'my first draft');
		const second = await sendOk(socket, spaceId, 'something I regret');
		expect(await request(socket, 'chat:edit', { spaceId, messageId: first.id, text: 'my second draft' })).toMatchObject({ ok: true });
		expect(await request(socket, 'chat:delete', { spaceId, messageId: second.id })).toMatchObject({ ok: true });

		const edited = await waitFor(async () => (await server.db.select().from(chatMessageEdits).where(eq(chatMessageEdits.messageId, first.id)))[0]);
		expect(edited.previousText).toBe('my first draft');
		const [firstRow] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, first.id));
		expect(firstRow!.text).toBe('my second draft');
		const [deleted] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, second.id));
		expect(deleted!.deletedAt).not.toBeNull();
		expect(deleted!.text).toBe('something I regret');
	});
});
