import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../server/db/schema';
import type { ModerationAlert, ServerToClientEvents } from '../../src/lib/protocol/events';
import { api, newUser, type TestUser } from '../helpers/api';
import { record, request } from '../helpers/chat';
import { minorBirthDate, newModerator, setRole, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, nextMatching, waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

type PresenceUpdate = Parameters<ServerToClientEvents['presence:update']>[0];

interface LiveSpace {
	id: string;
	connected: number;
	participants: number;
	participantsConnected: number;
	minors: number;
	supervisors: number;
	supervisorPresent: boolean;
	myRole: string | null;
}

describe.each(drivers)('moderator console: live spaces and joining as supervisor (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	let moderator: TestUser;
	let supervisor: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		admin = await newUser(server.url, { role: 'mentor' });
		moderator = await newModerator(server.url, admin);
		supervisor = await newModerator(server.url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const live = async (who: { token: string } = moderator) => {
		const res = await api<{ spaces: LiveSpace[] }>(server.url, '/api/v1/moderation/live', { method: 'GET', token: who.token });
		expect(res.status, res.text).toBe(200);
		return res.body.spaces;
	};
	const liveOf = async (spaceId: string) => (await live()).find((s) => s.id === spaceId);

	async function connectTo(who: TestUser, spaceId: string): Promise<ClientSocket> {
		const socket = await sockets.connect(server.url, { token: who.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		return socket;
	}

	/** A mentor's space with a 17-year-old mentee, supervised by `supervisor`. */
	async function minorsSpace() {
		const [mentor, minor] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url, { birthDate: minorBirthDate() })]);
		const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor], kind: 'pair' });
		return { spaceId, mentor, minor };
	}

	it('only moderators and admins see the live view or join a space through it', async () => {
		const { spaceId, mentor, minor } = await minorsSpace();
		for (const who of [mentor, minor]) {
			expect((await api(server.url, '/api/v1/moderation/live', { method: 'GET', token: who.token })).status).toBe(403);
			const join = await api(server.url, `/api/v1/moderation/live/${spaceId}/supervise`, { method: 'POST', token: who.token });
			expect(join.status).toBe(403);
			expect(join.body.error.code).toBe('forbidden');
		}
		expect((await api(server.url, '/api/v1/moderation/live', { method: 'GET' })).status).toBe(401);
		expect((await live(admin)).some((s) => s.id === spaceId)).toBe(false);
	});

	it('a space is listed while someone is connected to it, with participants here, minors and whether a supervisor is connected', async () => {
		const { spaceId, mentor, minor } = await minorsSpace();
		expect(await liveOf(spaceId)).toBeUndefined();

		const sm = await connectTo(mentor, spaceId);
		await connectTo(minor, spaceId);
		expect(await liveOf(spaceId)).toMatchObject({ connected: 2, participants: 2, participantsConnected: 2, minors: 1, supervisors: 1, supervisorPresent: false, myRole: null });

		const ss = await connectTo(supervisor, spaceId);
		expect(await liveOf(spaceId)).toMatchObject({ connected: 3, supervisorPresent: true });

		ss.close();
		sm.close();
		await waitFor(async () => (await liveOf(spaceId))?.connected === 1, { what: 'the space to count one connection' });
		expect(await liveOf(spaceId)).toMatchObject({ participantsConnected: 1, supervisorPresent: false });
	});

	it('a moderator joins as supervisor once (recorded in the audit log); participants see them present with that role', async () => {
		const { spaceId, minor } = await minorsSpace();
		const sminor = await connectTo(minor, spaceId);
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { method: 'GET', token: moderator.token })).status).toBe(404);

		const joined = await api(server.url, `/api/v1/moderation/live/${spaceId}/supervise`, { method: 'POST', token: moderator.token });
		expect(joined.status, joined.text).toBe(200);
		expect(joined.body).toEqual({ spaceId, role: 'supervisor', joined: true });
		expect((await api(server.url, `/api/v1/spaces/${spaceId}`, { method: 'GET', token: moderator.token })).status).toBe(200);

		const presence = nextMatching<PresenceUpdate>(sminor, 'presence:update', (p) => p.members.some((m) => m.userId === moderator.id));
		await connectTo(moderator, spaceId);
		expect((await presence).members.find((m) => m.userId === moderator.id)?.role).toBe('supervisor');
		expect(await liveOf(spaceId)).toMatchObject({ supervisors: 2, supervisorPresent: true, myRole: 'supervisor' });

		// Again: nothing changes, and nothing more is recorded.
		const again = await api(server.url, `/api/v1/moderation/live/${spaceId}/supervise`, { method: 'POST', token: moderator.token });
		expect(again.body).toEqual({ spaceId, role: 'supervisor', joined: false });
		const entries = await server.app.database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, 'space.supervise'), eq(auditLog.targetId, spaceId)));
		expect(entries).toHaveLength(1);
		expect(entries[0]!.actorId).toBe(moderator.id);
	});

	it('a held message alerts connected moderators (kind held, no text, no author); participants get no alert', async () => {
		const { spaceId, mentor, minor } = await minorsSpace();
		const sminor = await connectTo(minor, spaceId);
		const smentor = await connectTo(mentor, spaceId);
		const staff = await sockets.connect(server.url, { token: moderator.token });
		const seenByMentor = record(smentor, 'moderation:alert');
		const alerted = nextMatching<ModerationAlert>(staff, 'moderation:alert', (a) => a.kind === 'held' && a.spaceId === spaceId);
		const held = await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'call me on 0612 345 678' });
		expect(held).toMatchObject({ ok: true, message: { held: 'pending' } });
		const alert = await alerted;
		expect(alert).toMatchObject({ kind: 'held', reportId: null, spaceId, urgent: false });
		expect(JSON.stringify(alert)).not.toContain('0612');
		expect(JSON.stringify(alert)).not.toContain(minor.id);
		// An ordinary message after it: once the mentor has it, an alert to them would have arrived too.
		const next = nextMatching<{ text: string }>(smentor, 'chat:message', (m) => m.text === 'see you soon');
		expect(await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'see you soon' })).toMatchObject({ ok: true });
		await next;
		expect(seenByMentor).toEqual([]);
	});

	it.each([
		['still a moderator', 'moderator', true],
		['made a mentor meanwhile', 'mentor', false]
	] as const)('a moderator whose connection drops and comes back %s: alerts sent meanwhile are replayed only to staff', async (_, role, recovered) => {
		const { spaceId, minor } = await minorsSpace();
		const sminor = await connectTo(minor, spaceId);
		const staffer = await newModerator(server.url, admin);
		// Reconnected by hand below, as the browser's client would by itself.
		const socket = io(server.url, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { token: staffer.token }, reconnection: false });
		try {
			await nextEvent(socket, 'connect');
			// One alert first: recovery resumes from the last packet the connection got.
			const first = nextMatching<ModerationAlert>(socket, 'moderation:alert', (a) => a.spaceId === spaceId);
			expect(await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'call me on 0612 345 678' })).toMatchObject({ ok: true, message: { held: 'pending' } });
			await first;
			const alerts = record<ModerationAlert>(socket, 'moderation:alert');
			const dropped = nextEvent(socket, 'disconnect');
			(socket.io.engine as unknown as { close(): void }).close();
			await dropped;
			await setRole(server.url, admin, staffer, role);
			expect(await request(sminor, 'chat:send', { spaceId, clientId: randomUUID(), text: 'my number is 0612 345 679' })).toMatchObject({ ok: true, message: { held: 'pending' } });
			socket.connect();
			await nextEvent(socket, 'connect');
			expect(socket.recovered).toBe(recovered);
			// A round trip on that connection: anything sent to it before is in by now.
			expect(await request(socket, 'space:join', { spaceId: randomUUID() })).toMatchObject({ ok: false });
			// Only this space's: a late alert from an earlier test may reach the moderators' room too.
			expect(alerts.filter((a) => a.spaceId === spaceId)).toHaveLength(recovered ? 1 : 0);
		} finally {
			socket.close();
		}
	});

	it('joining a space that does not exist, or with a malformed id, is not_found and changes nothing', async () => {
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-space']) {
			const res = await api(server.url, `/api/v1/moderation/live/${id}/supervise`, { method: 'POST', token: moderator.token });
			expect(res.status).toBe(404);
			expect(res.body.error.code).toBe('not_found');
		}
	});
});
