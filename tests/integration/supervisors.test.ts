import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, newUser, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { minorBirthDate, newModerator, setRole, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();

describe.each(drivers)('supervisors are staff (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		admin = await newUser(server.url, { role: 'mentor' });
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	it('a supervisor demoted from moderator keeps no part in the minor’s space: not its page, not its chat, no moderation there', async () => {
		const supervisor = await newModerator(server.url, admin);
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
		// While a moderator, they supervise.
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(200);

		await setRole(server.url, admin, supervisor, 'mentor');
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(404);
		const socket = await sockets.connect(server.url, { token: supervisor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
		const mute = await api(server.url, `/api/v1/moderation/spaces/${spaceId}/members/${minor.id}/mute`, { token: supervisor.token, body: { durationSeconds: 60, reason: 'test' } });
		expect([403, 404]).toContain(mute.status);
		expect(await server.app.moderation.mayReview(supervisor.id, spaceId)).toBe(false);

		// Made a moderator again, they supervise again.
		await setRole(server.url, admin, supervisor, 'moderator');
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { token: supervisor.token })).status).toBe(200);
		expect(await server.app.moderation.mayReview(supervisor.id, spaceId)).toBe(true);
	});
});
