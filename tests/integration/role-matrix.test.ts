import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatMessages, reports, spaceMutes, spaces, users } from '../../server/db/schema';
import { api, newUser, type ApiResponse, type TestUser } from '../helpers/api';
import { request, sendOk } from '../helpers/chat';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();

const ROLES = ['mentee', 'minor mentee', 'mentor', 'supervisor', 'moderator', 'admin', 'non-member', 'suspended'] as const;
type Who = (typeof ROLES)[number];

/** An HTTP status, or for socket events `ok` / the ack's error code / `refused` (the handshake itself). */
type Outcome = number | string;

interface Action<C = unknown> {
	name: string;
	expect: Record<Who, Outcome>;
	/** Fresh state for one attempt (a message to delete, an account to suspend). */
	prepare?(): Promise<C>;
	run(who: Who, ctx: C): Promise<Outcome>;
	/** What the action would change: must be equal before and after a refused attempt. */
	state?(ctx: C): Promise<unknown>;
	/** Puts back what an allowed attempt changed, so the next row starts from the same place. */
	undo?(ctx: C): Promise<void>;
}

/** Members of the space (owner, members, its supervisor) against everyone else. */
function byRole(members: Outcome, staff: Outcome, outsider: Outcome, overrides: Partial<Record<Who, Outcome>> = {}): Record<Who, Outcome> {
	return {
		mentee: members,
		'minor mentee': members,
		mentor: members,
		supervisor: members,
		moderator: staff,
		admin: staff,
		'non-member': outsider,
		suspended: typeof members === 'number' ? 401 : 'refused',
		...overrides
	};
}

describe.each(drivers)('role × action matrix (%s)', (driver) => {
	let server: TestServer;
	const sockets = new Sockets();
	const people = {} as Record<Who, TestUser>;
	/** A member whom moderators mute and whose messages they delete. */
	let bystander: TestUser;
	let spaceId: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none', chatSendBurst: 100_000 } });
		people.admin = await newUser(server.url, { role: 'mentor' });
		people.moderator = await newModerator(server.url, people.admin);
		people.supervisor = await newModerator(server.url, people.admin);
		[people.mentor, people.mentee, people['minor mentee'], people['non-member'], people.suspended, bystander] = await Promise.all([
			newUser(server.url, { role: 'mentor' }),
			newUser(server.url),
			newUser(server.url, { birthDate: minorBirthDate() }),
			newUser(server.url),
			newUser(server.url),
			newUser(server.url)
		]);
		spaceId = await supervisedSpace(server.url, {
			owner: people.mentor,
			supervisor: people.supervisor,
			members: [people.mentee, people['minor mentee'], people.suspended, bystander]
		});
		const suspended = await api(server.url, `/api/v1/users/${people.suspended.id}`, { method: 'PATCH', token: people.admin.token, body: { suspended: true } });
		expect(suspended.status).toBe(200);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const http = (who: Who, path: string, options: { method?: string; body?: unknown } = {}) => api(server.url, path, { token: people[who].token, ...options });
	const status = (r: Promise<ApiResponse>) => r.then((res) => res.status);

	/** Connects as `who` and emits one event; `refused` when the handshake is refused. */
	async function socketOutcome(who: Who, act: (s: Awaited<ReturnType<Sockets['connect']>>) => Promise<{ ok: boolean; error?: { code: string } }>): Promise<Outcome> {
		let s;
		try {
			s = await sockets.connect(server.url, { token: people[who].token });
		} catch {
			return 'refused';
		}
		const ack = await act(s);
		return ack.ok ? 'ok' : ack.error!.code;
	}

	const storedMessages = async () => Number((await server.db.select({ n: count() }).from(chatMessages).where(eq(chatMessages.spaceId, spaceId)))[0]!.n);
	const reportCount = async () => Number((await server.db.select({ n: count() }).from(reports))[0]!.n);
	const activeMutes = () =>
		server.db.select({ id: spaceMutes.id }).from(spaceMutes).where(and(eq(spaceMutes.spaceId, spaceId), eq(spaceMutes.userId, bystander.id), isNull(spaceMutes.liftedAt)));
	const lockedAt = async () => (await server.db.select({ lockedAt: spaces.lockedAt }).from(spaces).where(eq(spaces.id, spaceId)))[0]!.lockedAt;
	const policy = async () => (await api(server.url, '/api/v1/admin/policy', { token: people.admin.token })).body.policy;

	const actions: Action<any>[] = [
		{
			name: 'read the space (GET /api/v1/spaces/:id)',
			expect: byRole(200, 404, 404),
			run: (who) => status(http(who, `/api/v1/spaces/${spaceId}`))
		},
		{
			name: 'join the space (socket space:join)',
			expect: byRole('ok', 'not_found', 'not_found'),
			run: (who) => socketOutcome(who, (s) => request(s, 'space:join', { spaceId }))
		},
		{
			name: 'send chat (socket chat:send)',
			expect: byRole('ok', 'not_found', 'not_found'),
			state: storedMessages,
			run: (who) => socketOutcome(who, (s) => request(s, 'chat:send', { spaceId, clientId: randomUUID(), text: `from a ${who}` }))
		},
		{
			name: 'report the space (POST /api/v1/reports)',
			expect: byRole(201, 404, 404),
			state: reportCount,
			run: (who) => status(http(who, '/api/v1/reports', { body: { targetType: 'space', targetId: spaceId, reason: 'other' } }))
		},
		{
			name: 'mute a member',
			expect: byRole(403, 201, 404, { supervisor: 201 }),
			state: activeMutes,
			run: (who) => status(http(who, `/api/v1/moderation/spaces/${spaceId}/members/${bystander.id}/mute`, { body: { durationSeconds: 3600 } })),
			undo: async () => void (await http('admin', `/api/v1/moderation/spaces/${spaceId}/members/${bystander.id}/mute`, { method: 'DELETE' }))
		},
		{
			name: 'lock the space',
			expect: byRole(403, 200, 404, { supervisor: 200 }),
			state: lockedAt,
			run: (who) => status(http(who, `/api/v1/moderation/spaces/${spaceId}/lock`, { method: 'POST' })),
			undo: async () => void (await http('admin', `/api/v1/moderation/spaces/${spaceId}/lock`, { method: 'DELETE' }))
		},
		{
			name: "delete another's message",
			expect: byRole(403, 200, 404, { supervisor: 200 }),
			prepare: async () => {
				const s = await sockets.connect(server.url, { token: bystander.token });
				return (await sendOk(s, spaceId, 'a message someone may delete')).id;
			},
			state: async (messageId: string) => (await server.db.select({ d: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, messageId)))[0]!.d,
			run: (who, messageId: string) => status(http(who, `/api/v1/moderation/messages/${messageId}`, { method: 'DELETE' }))
		},
		{
			name: 'suspend an account',
			expect: byRole(403, 200, 403, { supervisor: 200 }),
			prepare: async () => (await newUser(server.url)).id,
			state: async (userId: string) => (await server.db.select({ s: users.status }).from(users).where(eq(users.id, userId)))[0]!.s,
			run: (who, userId: string) => status(http(who, `/api/v1/moderation/users/${userId}/suspend`, { method: 'POST' }))
		},
		{
			name: 'read the audit log',
			expect: byRole(403, 200, 403, { supervisor: 200 }),
			run: (who) => status(http(who, '/api/v1/moderation/audit'))
		},
		{
			name: 'read open reports',
			expect: byRole(403, 200, 403, { supervisor: 200 }),
			run: (who) => status(http(who, '/api/v1/moderation/reports?status=open'))
		},
		{
			name: 'change the policy (PUT /api/v1/admin/policy)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			prepare: policy,
			state: async () => (await policy()).retentionDays,
			run: (who, before: { retentionDays: number }) => status(http(who, '/api/v1/admin/policy', { method: 'PUT', body: { retentionDays: before.retentionDays + 1 } })),
			undo: async (before: { retentionDays: number }) => void (await http('admin', '/api/v1/admin/policy', { method: 'PUT', body: { retentionDays: before.retentionDays } }))
		}
	];

	for (const action of actions) {
		describe(action.name, () => {
			for (const who of ROLES) {
				const expected = action.expect[who];
				const allowed = expected === 'ok' || (typeof expected === 'number' && expected < 300);
				it(`${who}: ${allowed ? 'allowed' : 'refused'} (${expected})`, async () => {
					const ctx = await action.prepare?.();
					const before = await action.state?.(ctx);
					const outcome = await action.run(who, ctx);
					expect(outcome).toBe(expected);
					if (allowed) {
						if (action.state) expect(await action.state(ctx)).not.toEqual(before);
						await action.undo?.(ctx);
					} else if (action.state) {
						expect(await action.state(ctx)).toEqual(before);
					}
				});
			}
		});
	}
});
