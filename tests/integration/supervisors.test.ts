import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, newUser, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { minorBirthDate, newModerator, setRole, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { waitFor } from '../helpers/wait';
import { appendParagraph, createDocument, syncedClient } from '../helpers/yjs';

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

	it('when the only supervisor of a minor’s space is demoted, nobody writes there — chat or document — until a supervisor is back', async () => {
		const supervisor = await newModerator(server.url, admin);
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
		const docId = await createDocument(server.url, mentor, spaceId, { kind: 'text', title: 'Our story' });
		const socket = await sockets.connect(server.url, { token: mentor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		expect(await request(socket, 'chat:send', { spaceId, clientId: 'before', text: 'hello' })).toMatchObject({ ok: true });
		const doc = await syncedClient({ url: server.url, docId, token: mentor.token });
		try {
			await setRole(server.url, admin, supervisor, 'mentor');
			// Supervision is read with locks and mutes (cached for seconds): within that, every writer stops.
			const blocked = async () => (await server.app.restrictions.block({ spaceId, userId: mentor.id }))?.code;
			await waitFor(async () => (await blocked()) === 'supervisor_required', { timeoutMs: 20_000, what: 'supervision read as lost' });
			expect(await request(socket, 'chat:send', { spaceId, clientId: 'after', text: 'still here?' })).toMatchObject({ ok: false, error: { code: 'supervisor_required' } });
			// The open document turns read-only: an edit is refused ("permission denied"), never stored.
			await waitFor(
				async () => {
					appendParagraph(doc.doc, 'are you there');
					await new Promise((r) => setTimeout(r, 300));
					return doc.denied.length > 0;
				},
				{ timeoutMs: 20_000, what: 'the document read-only' }
			);

			// A moderator made supervisor again: writing resumes.
			await setRole(server.url, admin, supervisor, 'moderator');
			await waitFor(async () => (await blocked()) === undefined, { timeoutMs: 20_000, what: 'supervision read as back' });
			expect(await request(socket, 'chat:send', { spaceId, clientId: 'back', text: 'back' })).toMatchObject({ ok: true });
		} finally {
			doc.destroy();
		}
	});
});
