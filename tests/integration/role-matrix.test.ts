import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
	auditLog,
	chatMessages,
	chatReadPositions,
	docVersions,
	documents,
	matchingProfiles,
	matchingRounds,
	matchingSettings,
	mentorshipGoals,
	mentorships,
	moderationQueue,
	reports,
	spaceInvites,
	spaceMembers,
	spaceMutes,
	spaces,
	users
} from '../../server/db/schema';
import { api, joinSpace, newUser, type ApiResponse, type TestUser } from '../helpers/api';
import { nextMessage, record, request, sendOk } from '../helpers/chat';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { consentToken, guardianForm, guardianLinkToken, minorBody, submitConsent } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { appendParagraph, createDocument, paragraphs, rawUpgrade, storedState, YClient } from '../helpers/yjs';

const drivers = await availableDrivers();

/**
 * Who tries: members of the space by their part in it (an observer; a member a moderator muted; a member whose
 * account waits for a guardian's consent; a member whose guardian withdrew their participation), staff who are not
 * members, and outsiders.
 */
const ROLES = [
	'mentee',
	'minor mentee',
	'mentor',
	'supervisor',
	'observer',
	'muted member',
	'consent pending',
	'consent withdrawn',
	'moderator',
	'admin',
	'non-member',
	'suspended'
] as const;
type Who = (typeof ROLES)[number];

/**
 * An HTTP status, or for socket events `ok` / the ack's error code / `refused` (the handshake itself), or for a
 * document connection `write` / `read-only` / the upgrade's HTTP status; `already in`: allowed, with nothing to change.
 */
type Outcome = number | string;
const ALREADY_IN = 'already in';

interface Action<C = unknown> {
	name: string;
	expect: Record<Who, Outcome>;
	/** Fresh state for one attempt (a message to delete, an account to suspend), for the one who tries. */
	prepare?(who: Who): Promise<C>;
	run(who: Who, ctx: C): Promise<Outcome>;
	/** What the action would change: must be equal before and after a refused attempt. */
	state?(ctx: C): Promise<unknown>;
	/** Puts back what an allowed attempt changed, so the next row starts from the same place. */
	undo?(ctx: C): Promise<void>;
}

/**
 * Members of the space (owner, members, its supervisor; the observer and the muted member unless overridden) against
 * everyone else. The member waiting for consent takes part in nothing: an outsider unless overridden; the member
 * whose consent was withdrawn fares as the one waiting for it (with `consent_withdrawn` for `consent_pending`).
 */
function byRole(members: Outcome, staff: Outcome, outsider: Outcome, overrides: Partial<Record<Who, Outcome>> = {}): Record<Who, Outcome> {
	const pending = overrides['consent pending'] ?? outsider;
	return {
		mentee: members,
		'minor mentee': members,
		mentor: members,
		supervisor: members,
		observer: members,
		'muted member': members,
		'consent pending': outsider,
		'consent withdrawn': pending === 'consent_pending' ? 'consent_withdrawn' : pending,
		moderator: staff,
		admin: staff,
		'non-member': outsider,
		suspended: typeof members === 'number' ? 401 : 'refused',
		...overrides
	};
}

/** For a mentorship between the mentee and the mentor: the pair, staff (who read and end), everyone else (not found). */
function byPart(pair: Outcome, staff: Outcome, outsider: Outcome): Record<Who, Outcome> {
	return {
		mentee: pair,
		mentor: pair,
		'minor mentee': outsider,
		supervisor: staff,
		observer: outsider,
		'muted member': outsider,
		'consent pending': outsider,
		'consent withdrawn': outsider,
		moderator: staff,
		admin: staff,
		'non-member': outsider,
		suspended: 401
	};
}

const allowedOutcome = (o: Outcome) => o === 'ok' || o === 'write' || (typeof o === 'number' && o < 300);

describe.each(drivers)('role × action matrix (%s)', (driver) => {
	let server: TestServer;
	const sockets = new Sockets();
	const people = {} as Record<Who, TestUser>;
	/** A member whom moderators mute and whose messages they delete. */
	let bystander: TestUser;
	let spaceId: string;
	let docId: string;
	/** The bystander's connection to the space, which sees what the room is sent. */
	let watcher: ClientSocket;
	/** A 17-year-old member whom people report: a minor, so no report here pauses anyone (reports.test.ts covers pauses). */
	let reportee: TestUser;
	/** A member whom owners, supervisors and moderators remove, and who is put back after each removal. */
	let removable: TestUser;
	/** Another supervised space, with an invite for each person to accept; its supervisor is nobody in the matrix. */
	let lobby: string;
	let lobbyOwner: TestUser;
	/** An active mentorship between the mentee and the mentor. */
	let mentorshipId: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none', chatSendBurst: 100_000 } });
		people.admin = await newUser(server.url, { role: 'mentor' });
		people.moderator = await newModerator(server.url, people.admin);
		people.supervisor = await newModerator(server.url, people.admin);
		const lobbySupervisor = await newModerator(server.url, people.admin);
		[people.mentor, people.mentee, people['minor mentee'], people['non-member'], people.suspended, people.observer, people['muted member'], bystander, reportee, removable, lobbyOwner] =
			await Promise.all([
				newUser(server.url, { role: 'mentor' }),
				newUser(server.url),
				newUser(server.url, { birthDate: minorBirthDate() }),
				newUser(server.url),
				newUser(server.url),
				newUser(server.url),
				newUser(server.url),
				newUser(server.url),
				newUser(server.url, { birthDate: minorBirthDate() }),
				newUser(server.url),
				newUser(server.url, { role: 'mentor' })
			]);
		// Thirteen, with a guardian named: the account waits for the guardian's consent (it signs in, takes part in nothing).
		people['consent pending'] = await newUser(server.url, minorBody(13));
		expect(people['consent pending'].user.status).toBe('pending_consent');
		spaceId = await supervisedSpace(server.url, {
			owner: people.mentor,
			supervisor: people.supervisor,
			members: [people.mentee, people['minor mentee'], people.suspended, people['muted member'], bystander, reportee, removable],
			observers: [people.observer]
		});
		lobby = await supervisedSpace(server.url, { owner: lobbyOwner, supervisor: lobbySupervisor });
		// No legitimate way leads here, so the membership is inserted behind the rules' back: an account is
		// pending_consent only from sign-up until a guardian first confirms (or, once a suspension is lifted, while no
		// guardian ever has), and in that state it can neither create nor join a space nor be named a supervisor. A
		// guardian who withdraws later makes it `consent withdrawn`, the next row. Should such a membership ever exist
		// (an import, a bug), this row shows that consent, not membership, decides.
		await server.db.insert(spaceMembers).values({ spaceId, userId: people['consent pending'].id, role: 'member' });
		people['consent withdrawn'] = await withdrawnByGuardian();
		const suspended = await api(server.url, `/api/v1/users/${people.suspended.id}`, { method: 'PATCH', token: people.admin.token, body: { suspended: true } });
		expect(suspended.status).toBe(200);
		const muted = await api(server.url, `/api/v1/moderation/spaces/${spaceId}/members/${people['muted member'].id}/mute`, { token: people.moderator.token, body: {} });
		expect(muted.status).toBe(201);
		docId = await createDocument(server.url, people.mentor, spaceId);
		// Inserted directly: this matrix is about who may act on a mentorship, not about how the pair was matched
		// (matching-*.test.ts), and the people here have no matching profiles a round or a request would accept.
		const [ship] = await server.db.insert(mentorships).values({ menteeId: people.mentee.id, mentorId: people.mentor.id, status: 'active', source: 'manual' }).returning({ id: mentorships.id });
		mentorshipId = ship!.id;
	});
	beforeEach(async () => {
		watcher = await sockets.connect(server.url, { token: bystander.token });
		expect(await request(watcher, 'space:join', { spaceId })).toMatchObject({ ok: true });
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** Thirteen: the guardian confirms, the child joins the space through an invite, then the guardian withdraws participation through their link. */
	async function withdrawnByGuardian(): Promise<TestUser> {
		const body = minorBody(13);
		const child = await newUser(server.url, body);
		const guardianEmail = body.guardianEmail as string;
		expect(await submitConsent(server.url, await consentToken(server.url, people.admin, guardianEmail), ['participation'])).toMatchObject({ type: 'success' });
		await joinSpace(server.url, people.mentor, child, spaceId);
		const link = await guardianLinkToken(server.url, people.admin, guardianEmail);
		expect(await guardianForm(server.url, link, 'withdraw', { purpose: 'participation' })).toMatchObject({ type: 'success' });
		expect(await server.app.safeguarding.participation(child.id)).toBe('consent_withdrawn');
		return child;
	}

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
	const countOf = async (table: PgTable, where: SQL | undefined) => Number((await server.db.select({ n: count() }).from(table).where(where))[0]!.n);
	const roleIn = async (space: string, userId: string) =>
		(await server.db.select({ role: spaceMembers.role }).from(spaceMembers).where(and(eq(spaceMembers.spaceId, space), eq(spaceMembers.userId, userId))))[0]?.role ?? null;
	/** The removable member, back in the space if an earlier row removed them. */
	async function removableMember(): Promise<string> {
		if (!(await roleIn(spaceId, removable.id))) await joinSpace(server.url, people.mentor, removable, spaceId);
		return removable.id;
	}

	/** A message in the space by `author`, stored directly: also for people who could never have sent one (observers, outsiders). */
	async function storedMessage(author: TestUser, text = 'a message'): Promise<string> {
		const [row] = await server.db.insert(chatMessages).values({ spaceId, authorId: author.id, clientId: randomUUID(), text, lang: 'en' }).returning({ id: chatMessages.id });
		return row!.id;
	}
	const messageState = async (messageId: string) => (await server.db.select({ text: chatMessages.text, deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, messageId)))[0];

	/** A message of the bystander's that moderation holds (a contact detail, with a minor in the space), and its queue entry. */
	let heldSoFar = 0;
	async function heldEntry(): Promise<string> {
		const held = await sendOk(watcher, spaceId, `call me on 555 123 ${String(1000 + ++heldSoFar)}`);
		expect(held.held).toBe('pending');
		const [entry] = await server.db.select({ id: moderationQueue.id }).from(moderationQueue).where(eq(moderationQueue.targetId, held.id));
		return entry!.id;
	}
	const entryStatus = async (entryId: string) => (await server.db.select({ status: moderationQueue.status }).from(moderationQueue).where(eq(moderationQueue.id, entryId)))[0]!.status;

	/**
	 * Opens the space's document as `who` with the stock client: the upgrade's HTTP status when refused, else
	 * `read-only` when its edit is denied, `write` when it is not.
	 */
	async function documentOutcome(who: Who): Promise<Outcome> {
		const { token } = people[who];
		const upgrade = await rawUpgrade(server.url, `/yjs/${docId}?token=${encodeURIComponent(token)}`);
		if (upgrade.status !== 101) return upgrade.status;
		const client = new YClient({ url: server.url, docId, token });
		try {
			await client.waitSynced();
			appendParagraph(client.doc, `written by the ${who}`);
			// Every frame is acknowledged once handled, stored or dropped; a drop is announced before its ack.
			await client.waitStored();
			return client.denied.length > 0 ? 'read-only' : 'write';
		} finally {
			client.destroy();
		}
	}
	const documentParagraphs = async () => paragraphs(await storedState(server.url, docId, people.mentor.token)).length;

	/**
	 * Whether `who`'s typing reached the room: the watcher sends a message after the typing was acknowledged, and
	 * any typing relayed before would have reached it first.
	 */
	async function typingSeen(seen: { userId: string; typing: boolean }[], who: Who): Promise<number> {
		const clientId = randomUUID();
		const back = nextMessage(watcher, clientId);
		await sendOk(watcher, spaceId, 'after the typing', { clientId });
		await back;
		return seen.filter((t) => t.userId === people[who].id && t.typing).length;
	}

	/** A fresh pair: the mentor with `who` (or a new mentee), supervised; `who` joins as observer, or is muted there, as their row says. */
	async function pairFor(who: Who): Promise<string> {
		const participant = who === 'mentee' || who === 'minor mentee' || who === 'muted member' ? people[who] : await newUser(server.url);
		const pair = await supervisedSpace(server.url, {
			owner: people.mentor,
			supervisor: people.supervisor,
			members: [participant],
			observers: who === 'observer' ? [people.observer] : [],
			kind: 'pair'
		});
		if (who === 'muted member') {
			const muted = await api(server.url, `/api/v1/moderation/spaces/${pair}/members/${people[who].id}/mute`, { token: people.moderator.token, body: {} });
			expect(muted.status).toBe(201);
		}
		return pair;
	}

	const actions: Action<any>[] = [
		{
			name: 'read the space (GET /api/v1/spaces/:id)',
			expect: byRole(200, 404, 404, { 'consent pending': 403 }),
			run: (who) => status(http(who, `/api/v1/spaces/${spaceId}`))
		},
		{
			name: 'join the space (socket space:join)',
			expect: byRole('ok', 'not_found', 'not_found', { 'consent pending': 'consent_pending' }),
			run: (who) => socketOutcome(who, (s) => request(s, 'space:join', { spaceId }))
		},
		{
			name: 'send chat (socket chat:send)',
			expect: byRole('ok', 'not_found', 'not_found', { observer: 'read_only', 'muted member': 'muted' }),
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
			name: 'open the space’s document (Yjs /yjs/:docId)',
			expect: byRole('write', 404, 404, { supervisor: 'read-only', observer: 'read-only', 'muted member': 'read-only', 'consent pending': 403, suspended: 401 }),
			state: documentParagraphs,
			run: (who) => documentOutcome(who)
		},
		{
			name: 'approve a held message (POST /api/v1/moderation/queue/:id/approve)',
			expect: byRole(403, 200, 403, { supervisor: 200, 'consent pending': 403 }),
			prepare: heldEntry,
			state: entryStatus,
			run: (who, entryId: string) => status(http(who, `/api/v1/moderation/queue/${entryId}/approve`, { method: 'POST' }))
		},
		{
			name: 'reject a held message (POST /api/v1/moderation/queue/:id/reject)',
			expect: byRole(403, 200, 403, { supervisor: 200, 'consent pending': 403 }),
			prepare: heldEntry,
			state: entryStatus,
			run: (who, entryId: string) => status(http(who, `/api/v1/moderation/queue/${entryId}/reject`, { method: 'POST' }))
		},
		{
			name: 'pause this match (POST /api/v1/spaces/:id/pause), each in a pair of their own',
			expect: byRole(201, 404, 404, { mentor: 403, supervisor: 403, observer: 403 }),
			prepare: pairFor,
			state: reportCount,
			run: (who, pair: string) => status(http(who, `/api/v1/spaces/${pair}/pause`, { method: 'POST' }))
		},
		{
			name: 'edit one’s own message (socket chat:edit)',
			expect: byRole('ok', 'not_found', 'not_found', { observer: 'read_only', 'muted member': 'muted' }),
			prepare: (who) => storedMessage(people[who], `written by the ${who}`),
			state: messageState,
			run: (who, messageId: string) => socketOutcome(who, (s) => request(s, 'chat:edit', { spaceId, messageId, text: `edited by the ${who}` }))
		},
		{
			name: 'edit another’s message (socket chat:edit)',
			expect: byRole('not_your_message', 'not_found', 'not_found'),
			prepare: () => storedMessage(bystander),
			state: messageState,
			run: (who, messageId: string) => socketOutcome(who, (s) => request(s, 'chat:edit', { spaceId, messageId, text: `edited by the ${who}` }))
		},
		{
			name: 'delete one’s own message (socket chat:delete)',
			expect: byRole('ok', 'not_found', 'not_found'),
			prepare: (who) => storedMessage(people[who]),
			state: messageState,
			run: (who, messageId: string) => socketOutcome(who, (s) => request(s, 'chat:delete', { spaceId, messageId }))
		},
		{
			name: 'delete another’s message (socket chat:delete)',
			expect: byRole('not_your_message', 'not_found', 'not_found'),
			prepare: () => storedMessage(bystander),
			state: messageState,
			run: (who, messageId: string) => socketOutcome(who, (s) => request(s, 'chat:delete', { spaceId, messageId }))
		},
		{
			name: 'show that one is typing (socket chat:typing, after space:join)',
			expect: byRole('ok', 'not_found', 'not_found', { observer: 'read_only', 'muted member': 'muted' }),
			prepare: async (who) => ({ who, seen: record<{ userId: string; typing: boolean }>(watcher, 'chat:typing') }),
			state: ({ who, seen }: { who: Who; seen: { userId: string; typing: boolean }[] }) => typingSeen(seen, who),
			run: (who) =>
				socketOutcome(who, async (s) => {
					await request(s, 'space:join', { spaceId });
					return request(s, 'chat:typing', { spaceId, typing: true });
				})
		},
		{
			name: 'mark read (socket chat:read)',
			expect: byRole('ok', 'not_found', 'not_found'),
			prepare: async (who) => ({ who, messageId: await storedMessage(bystander) }),
			state: async ({ who }: { who: Who }) =>
				(await server.db
					.select({ seq: chatReadPositions.lastReadSeq })
					.from(chatReadPositions)
					.where(and(eq(chatReadPositions.spaceId, spaceId), eq(chatReadPositions.userId, people[who].id))))[0]?.seq ?? null,
			run: (who, { messageId }: { messageId: string }) => socketOutcome(who, (s) => request(s, 'chat:read', { spaceId, messageId }))
		},
		{
			name: 'read history (socket chat:history)',
			expect: byRole('ok', 'not_found', 'not_found'),
			run: (who) => socketOutcome(who, (s) => request(s, 'chat:history', { spaceId }))
		},
		{
			name: 'change the policy (PUT /api/v1/admin/policy)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			prepare: policy,
			state: async () => (await policy()).retentionDays,
			run: (who, before: { retentionDays: number }) => status(http(who, '/api/v1/admin/policy', { method: 'PUT', body: { retentionDays: before.retentionDays + 1 } })),
			undo: async (before: { retentionDays: number }) => void (await http('admin', '/api/v1/admin/policy', { method: 'PUT', body: { retentionDays: before.retentionDays } }))
		},
		{
			name: 'create a space (POST /api/v1/spaces; a minor names a moderator as its supervisor)',
			expect: byRole(201, 201, 201, { 'consent pending': 403 }),
			state: async (who: Who) => countOf(spaces, eq(spaces.createdBy, people[who].id)),
			prepare: async (who) => who,
			run: (who) =>
				status(http(who, '/api/v1/spaces', { body: { title: `the ${who}’s space`, kind: 'collective', ...(who === 'minor mentee' ? { supervisorId: people.moderator.id } : {}) } }))
		},
		{
			name: 'accept an invite to another supervised space (POST /api/v1/invites/:code/accept)',
			expect: byRole(200, 200, 200, { 'consent pending': 403 }),
			prepare: async (who) => {
				const invite = await api(server.url, `/api/v1/spaces/${lobby}/invites`, { token: lobbyOwner.token, body: {} });
				expect(invite.status).toBe(201);
				return { who, code: invite.body.code as string };
			},
			state: ({ who }: { who: Who }) => roleIn(lobby, people[who].id),
			run: (who, { code }: { code: string }) => status(http(who, `/api/v1/invites/${code}/accept`, { method: 'POST' }))
		},
		{
			name: 'create an invite to the space (POST /api/v1/spaces/:id/invites)',
			expect: byRole(201, 404, 404, { observer: 403 }),
			state: () => countOf(spaceInvites, eq(spaceInvites.spaceId, spaceId)),
			run: (who) => status(http(who, `/api/v1/spaces/${spaceId}/invites`, { body: { role: 'member' } }))
		},
		{
			name: 'create a document (POST /api/v1/spaces/:id/documents)',
			expect: byRole(201, 404, 404, { supervisor: 403, observer: 403, 'muted member': 403 }),
			state: () => countOf(documents, eq(documents.spaceId, spaceId)),
			run: (who) => status(http(who, `/api/v1/spaces/${spaceId}/documents`, { body: { kind: 'text', title: `notes of the ${who}` } }))
		},
		{
			name: 'save a version of the document (POST /api/v1/documents/:id/versions)',
			expect: byRole(201, 404, 404, { supervisor: 403, observer: 403, 'muted member': 403 }),
			state: () => countOf(docVersions, eq(docVersions.documentId, docId)),
			run: (who) => status(http(who, `/api/v1/documents/${docId}/versions`, { body: { name: `saved by the ${who}` } }))
		},
		{
			name: 'remove a member (DELETE /api/v1/spaces/:id/members/:userId)',
			expect: byRole(403, 404, 404, { mentor: 204, supervisor: 204 }),
			prepare: removableMember,
			state: (userId: string) => roleIn(spaceId, userId),
			run: (who, userId: string) => status(http(who, `/api/v1/spaces/${spaceId}/members/${userId}`, { method: 'DELETE' }))
		},
		{
			name: 'remove a member as a moderator (DELETE /api/v1/moderation/spaces/:id/members/:userId)',
			expect: byRole(403, 204, 404, { supervisor: 204 }),
			prepare: removableMember,
			state: (userId: string) => roleIn(spaceId, userId),
			run: (who, userId: string) => status(http(who, `/api/v1/moderation/spaces/${spaceId}/members/${userId}`, { method: 'DELETE' }))
		},
		{
			name: 'report a message (POST /api/v1/reports)',
			expect: byRole(201, 404, 404),
			prepare: () => storedMessage(reportee, 'a message someone may report'),
			state: reportCount,
			run: (who, messageId: string) => status(http(who, '/api/v1/reports', { body: { targetType: 'message', targetId: messageId, reason: 'other' } }))
		},
		{
			name: 'report a member (POST /api/v1/reports)',
			// Accepted from someone who takes part in nothing, unlike a report of a message or of the space: the check
			// "shares a space with them" reads the membership rows, not whether the reporter may take part now.
			expect: byRole(201, 404, 404, { 'consent pending': 201, 'consent withdrawn': 201 }),
			state: reportCount,
			run: (who) => status(http(who, '/api/v1/reports', { body: { targetType: 'user', targetId: reportee.id, reason: 'other' } }))
		},
		{
			name: 'read the moderation queue (GET /api/v1/moderation/queue)',
			expect: byRole(403, 200, 403, { supervisor: 200 }),
			run: (who) => status(http(who, '/api/v1/moderation/queue'))
		},
		{
			name: 'see the live view (GET /api/v1/moderation/live)',
			expect: byRole(403, 200, 403, { supervisor: 200 }),
			run: (who) => status(http(who, '/api/v1/moderation/live'))
		},
		{
			name: 'supervise the space, joining it as a moderator (POST /api/v1/moderation/live/:id/supervise)',
			expect: byRole(403, 200, 403, { supervisor: ALREADY_IN }),
			prepare: async (who) => who,
			state: (who: Who) => roleIn(spaceId, people[who].id),
			run: async (who) => {
				const res = await http(who, `/api/v1/moderation/live/${spaceId}/supervise`, { method: 'POST' });
				return res.status === 200 && res.body.joined === false ? ALREADY_IN : res.status;
			},
			undo: async (who: Who) => void expect((await http(who, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE' })).status).toBe(204)
		},
		{
			name: 'end the live session (POST /api/v1/moderation/spaces/:id/end-session)',
			expect: byRole(403, 200, 404, { supervisor: 200 }),
			state: () => countOf(auditLog, and(eq(auditLog.action, 'space.end_session'), eq(auditLog.targetId, spaceId))),
			run: (who) => status(http(who, `/api/v1/moderation/spaces/${spaceId}/end-session`, { method: 'POST' }))
		},
		{
			name: 'read the outbox (GET /api/v1/admin/outbox)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			run: (who) => status(http(who, '/api/v1/admin/outbox'))
		},
		{
			name: 'list every account (GET /api/v1/users)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			run: (who) => status(http(who, '/api/v1/users'))
		},
		{
			name: 'ask again for a translation (socket chat:translate)',
			expect: byRole('ok', 'not_found', 'not_found'),
			prepare: () => storedMessage(bystander),
			run: (who, messageId: string) => socketOutcome(who, (s) => request(s, 'chat:translate', { spaceId, messageId }))
		},
		{
			name: 'run a matching round (POST /api/v1/matching/rounds)',
			expect: byRole(403, 403, 403, { admin: 201 }),
			state: async () => countOf(matchingRounds, undefined),
			run: (who) => status(http(who, '/api/v1/matching/rounds', { body: {} }))
		},
		{
			name: 'change the program’s matching settings (PUT /api/v1/matching/settings)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			state: async () => (await server.db.select({ settings: matchingSettings.settings }).from(matchingSettings))[0]?.settings ?? null,
			run: (who) => status(http(who, '/api/v1/matching/settings', { method: 'PUT', body: { minOverlapHours: 3 } })),
			undo: async () => void (await server.db.delete(matchingSettings))
		},
		{
			name: 'see the mentors one could ask for (GET /api/v1/matching/mentors; mentees only)',
			expect: byRole(200, 403, 200, { 'consent pending': 403, mentor: 403, supervisor: 403 }),
			run: (who) => status(http(who, '/api/v1/matching/mentors'))
		},
		{
			name: 'vet a mentor for work with minors (PUT /api/v1/admin/users/:id/vetting)',
			expect: byRole(403, 403, 403, { admin: 200 }),
			state: async () => (await server.db.select({ at: matchingProfiles.vettedForMinorsAt }).from(matchingProfiles).where(eq(matchingProfiles.userId, people.mentor.id)))[0]?.at ?? null,
			run: (who) => status(http(who, `/api/v1/admin/users/${people.mentor.id}/vetting`, { method: 'PUT', body: { vetted: true } })),
			undo: async () => void (await http('admin', `/api/v1/admin/users/${people.mentor.id}/vetting`, { method: 'PUT', body: { vetted: false } }))
		},
		{
			name: 'read the mentorship (GET /api/v1/mentorships/:id)',
			expect: byPart(200, 200, 404),
			run: (who) => status(http(who, `/api/v1/mentorships/${mentorshipId}`))
		},
		{
			name: 'add a goal to the mentorship (POST /api/v1/mentorships/:id/goals)',
			expect: byPart(201, 403, 404),
			state: () => countOf(mentorshipGoals, eq(mentorshipGoals.mentorshipId, mentorshipId)),
			run: (who) => status(http(who, `/api/v1/mentorships/${mentorshipId}/goals`, { body: { text: `a goal of the ${who}` } }))
		},
		{
			name: 'pause the mentorship (POST /api/v1/mentorships/:id/pause)',
			expect: byPart(200, 403, 404),
			state: async () => (await server.db.select({ s: mentorships.status }).from(mentorships).where(eq(mentorships.id, mentorshipId)))[0]!.s,
			run: (who) => status(http(who, `/api/v1/mentorships/${mentorshipId}/pause`, { method: 'POST' })),
			undo: async () => void expect((await http('mentee', `/api/v1/mentorships/${mentorshipId}/resume`, { method: 'POST' })).status).toBe(200)
		},
		{
			name: 'end the mentorship (POST /api/v1/mentorships/:id/end)',
			expect: byPart(403, 200, 404),
			state: async () => (await server.db.select({ s: mentorships.status }).from(mentorships).where(eq(mentorships.id, mentorshipId)))[0]!.s,
			run: (who) => status(http(who, `/api/v1/mentorships/${mentorshipId}/end`, { body: { reason: 'program' } })),
			// Nothing brings an ended mentorship back; this matrix puts it back by hand for the next row.
			undo: async () => void (await server.db.update(mentorships).set({ status: 'active', endedReason: null, endedAt: null, endedBy: null }).where(eq(mentorships.id, mentorshipId)))
		},
		{
			name: 'choose the reading language of one’s connection (socket chat:language)',
			expect: byRole('ok', 'ok', 'ok'),
			run: (who) => socketOutcome(who, (s) => request(s, 'chat:language', { lang: 'es' }))
		}
	];

	for (const action of actions) {
		describe(action.name, () => {
			for (const who of ROLES) {
				const expected = action.expect[who];
				const allowed = allowedOutcome(expected);
				it(`${who}: ${allowed ? 'allowed' : expected === ALREADY_IN ? 'allowed, nothing to change' : 'refused'} (${expected})`, async () => {
					const ctx = await action.prepare?.(who);
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
