import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatMessages, profiles, spaces } from '../../server/db/schema';
import { acceptInvite, api, createInvite, newUser, type TestUser } from '../helpers/api';
import { chatSpace, sendOk } from '../helpers/chat';
import { minorSpace, newModerator } from '../helpers/moderation';
import { yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();

describe.each(drivers)('retention keeps what a space with a minor holds, after the minor is gone (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url);
		moderator = await newModerator(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const hadMinor = async (spaceId: string) => (await server.db.select({ v: spaces.hadMinor }).from(spaces).where(eq(spaces.id, spaceId)))[0]!.v;
	const leave = (who: TestUser, spaceId: string) => api(url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: who.token });
	const deleteAccount = (who: TestUser) => api(url, '/api/v1/me/deletion', { token: who.token, body: { password: who.password } });

	it('a minor joining marks the space for good; a space of adults is not marked', async () => {
		const { spaceId, minor } = await minorSpace(url, { sockets, supervisor: moderator });
		expect(await hadMinor(spaceId)).toBe(true);
		expect((await leave(minor, spaceId)).status).toBe(204);
		expect(await hadMinor(spaceId)).toBe(true);
		const { spaceId: adults } = await chatSpace(server, sockets, [{}, {}]);
		expect(await hadMinor(adults)).toBe(false);
	});

	it('after the minor left, an adult deleting their account leaves their messages there kept for review', async () => {
		const { spaceId, adult, minor, adultSocket } = await minorSpace(url, { sockets, supervisor: moderator });
		const message = await sendOk(adultSocket, spaceId, 'a message a minor read before leaving');
		expect((await leave(minor, spaceId)).status).toBe(204);
		const res = await deleteAccount(adult);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ keptMessages: 1, removedMessages: 0 });
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, message.id));
		expect(row).toMatchObject({ text: 'a message a minor read before leaving', deletedAt: expect.any(Date) });
	});

	it('after the minor turned 18, the same holds', async () => {
		const { spaceId, adult, minor, adultSocket } = await minorSpace(url, { sockets, supervisor: moderator });
		const message = await sendOk(adultSocket, spaceId, 'written while she was 17');
		// Time passes: she is 18 now.
		await server.db.update(profiles).set({ birthDate: yearsAgo(18) }).where(eq(profiles.userId, minor.id));
		expect(await server.app.safeguarding.isMinor(minor.id)).toBe(false);
		expect((await deleteAccount(adult)).body).toMatchObject({ keptMessages: 1 });
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, message.id));
		expect(row!.text).toBe('written while she was 17');
	});

	it('in a space that never had a minor, the messages go with the account', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const me = members[0]!.user;
		const message = await sendOk(members[0]!.socket, spaceId, 'nothing to keep here');
		expect((await deleteAccount(me)).body).toMatchObject({ keptMessages: 0, removedMessages: 1 });
		const [row] = await server.db.select().from(chatMessages).where(eq(chatMessages.id, message.id));
		expect(row!.text).toBe('');
	});

	it('raising the minor age marks the spaces of members who now count as minors, and lowering it again unmarks nothing', async () => {
		const nineteen = await newUser(url, { birthDate: yearsAgo(19) });
		const owner = await newUser(url);
		const res = await api(url, '/api/v1/spaces', { token: owner.token, body: { title: 'Nineteen', kind: 'collective', supervisorId: moderator.id } });
		const spaceId = res.body.id as string;
		expect((await acceptInvite(url, nineteen, await createInvite(url, owner, spaceId))).status).toBe(200);
		expect(await hadMinor(spaceId)).toBe(false);
		try {
			expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { minorAge: 21 } })).status).toBe(200);
			expect(await hadMinor(spaceId)).toBe(true);
		} finally {
			expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { minorAge: 18 } })).status).toBe(200);
		}
		expect(await hadMinor(spaceId)).toBe(true);
	});
});
