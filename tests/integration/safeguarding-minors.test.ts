import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { chatMessageEdits, chatMessages, docVersions, documents, moderationQueue, reports, spaceInvites, spaceMembers, spaceMutes } from '../../server/db/schema';
import { CLIENT_EVENTS } from '../../src/lib/protocol/events';
import { acceptInvite, api, createInvite, createSpace, newUser, type TestUser } from '../helpers/api';
import { request, sendOk } from '../helpers/chat';
import { newStaff, yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { waitFor } from '../helpers/wait';
import { createDocument, rawUpgrade } from '../helpers/yjs';

const METHOD_EXPORT = /export\s+(?:const|let|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|fallback)\b/g;

/** Every endpoint the app serves, read from the files: `METHOD /route` for each method a `+server` file exports. */
function endpointsOnDisk(): string[] {
	const root = join(projectRoot, 'src/routes');
	const found: string[] = [];
	for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
		if (!/(^|[\\/])\+server\.[jt]s$/.test(file)) continue;
		// Route groups, `(name)`, are not part of the URL.
		const route = '/' + dirname(file).split(sep).filter((seg) => seg !== '.' && !/^\(.*\)$/.test(seg)).join('/');
		const methods = [...readFileSync(join(root, file), 'utf8').matchAll(METHOD_EXPORT)].map((m) => m[1]!);
		// A file whose methods this cannot read (`export { x as GET }`) must not slip through unclassified.
		expect(methods, `the methods exported by src/routes/${file}`).not.toEqual([]);
		found.push(...methods.map((m) => `${m} ${route}`));
	}
	return found.sort();
}

/** The URLs a route pattern serves: `[param]` is (part of) one segment, as in `[id].svg`; `[...rest]` any number. */
function routeRegExp(pattern: string): RegExp {
	const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const source = pattern
		.split('/')
		.map((seg) =>
			/^\[\.\.\..+\]$/.test(seg)
				? '.+'
				: seg
						.split(/(\[[^\]]+\])/)
						.map((part) => (/^\[.+\]$/.test(part) ? '[^/]+' : literal(part)))
						.join('')
		)
		.join('/');
	return new RegExp(`^${source}$`);
}

/** Every event name the server code listens for on a client's Socket.IO socket (Socket.IO's own events aside). */
function serverSocketEvents(): string[] {
	const root = join(projectRoot, 'server');
	const names = new Set<string>();
	for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
		if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
		const code = readFileSync(join(root, file), 'utf8');
		// Socket.IO code only (SMTP and upgrade code listen on raw TCP sockets).
		if (!/TesseraSocket|TesseraIo|from 'socket\.io'/.test(code)) continue;
		for (const m of code.matchAll(/\bsocket\.(?:on|once|prependListener)\(\s*['"`]([^'"`]+)['"`]/g)) names.add(m[1]!);
	}
	for (const reserved of ['connect', 'disconnect', 'disconnecting', 'error']) names.delete(reserved);
	return [...names].sort();
}

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

	/**
	 * An adult and a minor who share no space, each with a space of their own holding a message, a document with a
	 * named version and an invite nobody was given. Every text of theirs carries their tag, so anything of one that
	 * reaches the other shows.
	 */
	describe('no way to reach someone outside a space: every socket event and every HTTP endpoint', () => {
		interface Side {
			user: TestUser;
			tag: string;
			spaceId: string;
			messageId: string;
			docId: string;
			versionId: string;
			invite: string;
			/** Their own connection, joined to their space: everything that reaches them. */
			socket: ClientSocket;
			received: { event: string; args: unknown[] }[];
		}
		/** Who tries (`caller`) to reach whom (`other`); tried both ways. */
		interface Pair {
			caller: Side;
			other: Side;
		}
		const standing = new Sockets();
		let adult: Side;
		let minor: Side;

		/** Letters only, so that name and moderation rules read it as a word. */
		const newTag = () => 'zq' + randomUUID().replace(/-/g, '').slice(0, 10).replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!);

		async function side(kind: 'adult' | 'minor'): Promise<Side> {
			const tag = newTag();
			const user = await newUser(url, kind === 'adult' ? { role: 'mentor', displayName: `Mentor ${tag}` } : { birthDate: yearsAgo(17), displayName: `Mentee ${tag}` });
			const created = await api(url, '/api/v1/spaces', { token: user.token, body: spaceBody({ title: `Garden ${tag}`, ...(kind === 'minor' ? { supervisorId: moderator.id } : {}) }) });
			expect(created.status).toBe(201);
			const spaceId = created.body.id as string;
			const socket = await standing.connect(url, { token: user.token });
			expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
			const message = await sendOk(socket, spaceId, `hello from ${tag}`);
			const docId = await createDocument(url, user, spaceId, { kind: 'text', title: `Notes ${tag}` });
			const version = await api(url, `/api/v1/documents/${docId}/versions`, { token: user.token, body: { name: `Draft ${tag}` } });
			expect(version.status).toBe(201);
			const invite = await createInvite(url, user, spaceId);
			const received: Side['received'] = [];
			// Only from here on: the setup's own echoes are not what this test is about.
			await settled(socket);
			socket.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
			return { user, tag, spaceId, messageId: message.id, docId, versionId: version.body.id as string, invite, socket, received };
		}

		/**
		 * A round trip on the connection. Anything the server sent it before answering an earlier request of the
		 * caller's was written to this connection before this answer, so it has arrived when this resolves. A
		 * `rate_limited` answer (these round trips come fast) is an answer all the same.
		 */
		async function settled(socket: ClientSocket): Promise<void> {
			const ack = await request(socket, 'chat:language', { lang: 'en' });
			expect(ack.ok ? 'ok' : ack.error.code).toBeOneOf(['ok', 'rate_limited']);
		}

		/** Rows where a text or a membership could land: none may appear or go through anything tried here. */
		const footprint = async () =>
			Object.fromEntries(
				await Promise.all(
					Object.entries({ chatMessages, chatMessageEdits, documents, docVersions, spaceMembers, spaceInvites, reports, spaceMutes, moderationQueue }).map(
						async ([name, table]) => [name, Number((await server.db.select({ n: count() }).from(table))[0]!.n)] as const
					)
				)
			);

		beforeAll(async () => {
			[adult, minor] = [await side('adult'), await side('minor')];
		});
		afterAll(() => standing.closeAll());

		/**
		 * Runs `attempt` as the adult towards the minor, then as the minor towards the adult: what either sees must
		 * carry nothing of the other's, nothing may be stored, and nothing may reach the other's connection.
		 */
		async function bothWays(attempt: (p: Pair) => Promise<unknown[]>): Promise<void> {
			// What a failed test before this one left behind.
			adult.received.length = minor.received.length = 0;
			for (const [caller, other] of [
				[adult, minor],
				[minor, adult]
			] as const) {
				const before = await footprint();
				const seen = await attempt({ caller, other });
				for (const answer of seen) expect(JSON.stringify(answer)).not.toContain(other.tag);
				expect(await footprint()).toEqual(before);
			}
			await Promise.all([settled(adult.socket), settled(minor.socket)]);
			expect(adult.received).toEqual([]);
			expect(minor.received).toEqual([]);
		}

		type ClientEvent = (typeof CLIENT_EVENTS)[number];
		/** A payload aimed at the other person, and the ack's error code (or `ok`: allowed, and it must show nothing of theirs). */
		type EventTry = { payload: Record<string, unknown>; expect: string };
		/**
		 * Every client event, why it cannot carry text to someone outside the caller's spaces, and the payloads that
		 * try: with the other's space, the other's message (in their space, and passed off as one of the caller's
		 * own space), or the other's account id where a space's goes.
		 */
		const EVENTS: Record<ClientEvent, { why: string; tries(p: Pair): EventTry[] }> = {
			'space:join': {
				why: 'takes a space, and a space the caller is not in is not found',
				tries: ({ other }) => [
					{ payload: { spaceId: other.spaceId }, expect: 'not_found' },
					{ payload: { spaceId: other.user.id }, expect: 'not_found' }
				]
			},
			'space:leave': {
				why: 'acts on the caller’s own connection only: leaving a room it is not in changes nothing and tells nobody',
				tries: ({ other }) => [{ payload: { spaceId: other.spaceId }, expect: 'ok' }]
			},
			'chat:send': {
				why: 'takes a space, never a person: a space the caller is not in is not found, and a payload naming a person is invalid',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId, clientId: randomUUID(), text: `hi from ${caller.tag}` }, expect: 'not_found' },
					{ payload: { spaceId: other.user.id, clientId: randomUUID(), text: `hi from ${caller.tag}` }, expect: 'not_found' },
					{ payload: { userId: other.user.id, clientId: randomUUID(), text: `hi from ${caller.tag}` }, expect: 'invalid_input' }
				]
			},
			'chat:edit': {
				why: 'takes a space and a message in it, the caller’s own',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId, messageId: other.messageId, text: `edited by ${caller.tag}` }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, messageId: other.messageId, text: `edited by ${caller.tag}` }, expect: 'not_found' }
				]
			},
			'chat:delete': {
				why: 'takes a space and a message in it, the caller’s own',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId, messageId: other.messageId }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, messageId: other.messageId }, expect: 'not_found' }
				]
			},
			'chat:history': {
				why: 'reads a space the caller is in, paged by messages of that space',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, after: other.messageId }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, before: other.messageId }, expect: 'not_found' }
				]
			},
			'chat:typing': {
				why: 'shows typing in a space whose room this connection joined',
				tries: ({ other }) => [{ payload: { spaceId: other.spaceId, typing: true }, expect: 'not_found' }]
			},
			'chat:read': {
				why: 'marks a message of a space the caller is in as read',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId, messageId: other.messageId }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, messageId: other.messageId }, expect: 'not_found' }
				]
			},
			'chat:language': {
				why: 'sets the reading language of the caller’s own connection; names no one and no space',
				tries: () => [{ payload: { lang: 'es' }, expect: 'ok' }]
			},
			'chat:translate': {
				why: 'asks again for the translation of a message in a space the caller is in',
				tries: ({ caller, other }) => [
					{ payload: { spaceId: other.spaceId, messageId: other.messageId }, expect: 'not_found' },
					{ payload: { spaceId: caller.spaceId, messageId: other.messageId }, expect: 'not_found' }
				]
			}
		};

		/** A request aimed at the other person, and its status. A 2xx is allowed only where it names no one and shows nothing of theirs. */
		type RouteTry = { path: string; body?: unknown; expect: number };
		interface RouteCase {
			why: string;
			/** Empty where calling it would undo the caller's own state (sign out, delete the account) and it names no one. */
			tries(p: Pair): RouteTry[];
		}
		const staffOnly = (path: string, body?: unknown): RouteCase => ({ why: 'moderators and admins only', tries: () => [{ path, body, expect: 403 }] });
		const adminOnly = (path: string, body?: unknown): RouteCase => ({ why: 'admins only', tries: () => [{ path, body, expect: 403 }] });
		const ownOnly = (why: string, path?: string): RouteCase => ({ why, tries: () => (path ? [{ path, expect: 200 }] : []) });
		const made = randomUUID();
		const inventedPaths = ({ other }: Pair) => ['/api/v1/dm', '/api/v1/messages', `/api/v1/users/${other.user.id}/messages`, '/api/v1/conversations'];
		const hello = ({ caller, other }: Pair) => ({ to: other.user.id, userId: other.user.id, text: `hi from ${caller.tag}` });

		/**
		 * Every endpoint under src/routes, by method and route as SvelteKit names it, why it cannot carry text to someone
		 * outside the caller's spaces, and the requests that try.
		 */
		const ROUTES: Record<string, RouteCase> = {
			...Object.fromEntries(
				['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [
					`${method} /api/[...rest]`,
					{ why: 'any other path under /api is not found', tries: (p: Pair) => inventedPaths(p).map((path) => ({ path, body: method === 'GET' ? undefined : hello(p), expect: 404 })) }
				])
			),
			'GET /healthz': ownOnly('says whether the server is up; takes nothing', '/healthz'),
			'GET /api/v1/admin/outbox': adminOnly('/api/v1/admin/outbox'),
			'POST /api/v1/admin/outbox/[id]/passed-on': adminOnly(`/api/v1/admin/outbox/${made}/passed-on`),
			'POST /api/v1/admin/users/[id]/consents': {
				why: 'admins only (a purpose given back at a guardian’s written request)',
				tries: ({ other }) => [{ path: `/api/v1/admin/users/${other.user.id}/consents`, body: { purpose: 'participation', reason: 'x' }, expect: 403 }]
			},
			'POST /api/v1/admin/users/[id]/guardian': {
				why: 'admins only (replacing a guardian)',
				tries: ({ other }) => [{ path: `/api/v1/admin/users/${other.user.id}/guardian`, body: { guardianName: 'X', guardianEmail: 'x@example.org', reason: 'x' }, expect: 403 }]
			},
			'GET /api/v1/admin/policy': adminOnly('/api/v1/admin/policy'),
			'PUT /api/v1/admin/policy': adminOnly('/api/v1/admin/policy', { retentionDays: 400 }),
			'GET /api/v1/documents/[id]': { why: 'a document of a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/documents/${other.docId}`, expect: 404 }] },
			'GET /api/v1/documents/[id]/versions': { why: 'a document of a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/documents/${other.docId}/versions`, expect: 404 }] },
			'POST /api/v1/documents/[id]/versions': {
				why: 'names a version of a document of a space the caller is in',
				tries: ({ caller, other }) => [{ path: `/api/v1/documents/${other.docId}/versions`, body: { name: `from ${caller.tag}` }, expect: 404 }]
			},
			'GET /api/v1/documents/[id]/versions/[versionId]': {
				why: 'a version of a document of a space the caller is in, looked up within that document',
				tries: ({ caller, other }) => [
					{ path: `/api/v1/documents/${other.docId}/versions/${other.versionId}`, expect: 404 },
					{ path: `/api/v1/documents/${caller.docId}/versions/${other.versionId}`, expect: 404 }
				]
			},
			'POST /api/v1/feedback': {
				why: 'goes to the program’s moderators only, with no author and no person or space named',
				tries: ({ caller }) => [{ path: '/api/v1/feedback', body: { text: `feedback from ${caller.tag}` }, expect: 201 }]
			},
			'GET /api/v1/feedback': staffOnly('/api/v1/feedback'),
			'POST /api/v1/invites/[code]/accept': {
				why:
					'takes an invite code, which only a member of the space can make (POST …/invites, tried below); a made-up code is not found, ' +
					'and a minor holding an adult’s invite to a space without a supervisor is refused',
				tries: ({ caller, other }) => [
					{ path: `/api/v1/invites/${'A'.repeat(32)}/accept`, expect: 404 },
					...(caller === minor ? [{ path: `/api/v1/invites/${other.invite}/accept`, expect: 403 }] : [])
				]
			},
			'GET /api/v1/me': ownOnly('the caller’s own account', '/api/v1/me'),
			'PATCH /api/v1/me': ownOnly('changes the caller’s own profile, which others see only in a space they share'),
			'GET /api/v1/me/consents': ownOnly('the caller’s own consents', '/api/v1/me/consents'),
			'POST /api/v1/me/consents': ownOnly('grants a consent of the caller’s own'),
			'DELETE /api/v1/me/consents/[purpose]': ownOnly('withdraws a consent of the caller’s own'),
			'POST /api/v1/me/consents/guardian': {
				why: 'mails a consent link to the guardian of someone under the consent age: neither of them is, so the other’s address is mailed nothing',
				tries: ({ other }) => [{ path: '/api/v1/me/consents/guardian', body: { guardianName: 'Rosa Example', guardianEmail: other.user.email }, expect: 409 }]
			},
			'POST /api/v1/me/deletion': ownOnly('deletes the caller’s own account'),
			'GET /api/v1/me/export': ownOnly('everything about the caller, and nothing of anyone they share no space with', '/api/v1/me/export'),
			'PUT /api/v1/me/password': ownOnly('the caller’s own password'),
			'GET /api/v1/moderation/audit': staffOnly('/api/v1/moderation/audit'),
			'GET /api/v1/moderation/live': staffOnly('/api/v1/moderation/live'),
			'POST /api/v1/moderation/live/[id]/supervise': { why: 'moderators and admins only', tries: ({ other }) => [{ path: `/api/v1/moderation/live/${other.spaceId}/supervise`, expect: 403 }] },
			'DELETE /api/v1/moderation/messages/[id]': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/messages/${other.messageId}`, expect: 404 }]
			},
			'GET /api/v1/moderation/queue': staffOnly('/api/v1/moderation/queue'),
			'POST /api/v1/moderation/queue/[id]/approve': staffOnly(`/api/v1/moderation/queue/${made}/approve`),
			'POST /api/v1/moderation/queue/[id]/reject': staffOnly(`/api/v1/moderation/queue/${made}/reject`, { reason: 'no' }),
			'GET /api/v1/moderation/reports': staffOnly('/api/v1/moderation/reports'),
			'GET /api/v1/moderation/reports/[id]': staffOnly(`/api/v1/moderation/reports/${made}`),
			'PATCH /api/v1/moderation/reports/[id]': staffOnly(`/api/v1/moderation/reports/${made}`, { status: 'dismissed' }),
			'POST /api/v1/moderation/spaces/[id]/end-session': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/end-session`, body: { reason: 'bye' }, expect: 404 }]
			},
			'POST /api/v1/moderation/spaces/[id]/lock': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/lock`, body: {}, expect: 404 }]
			},
			'DELETE /api/v1/moderation/spaces/[id]/lock': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/lock`, expect: 404 }]
			},
			'DELETE /api/v1/moderation/spaces/[id]/members/[userId]': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/members/${other.user.id}`, expect: 404 }]
			},
			'POST /api/v1/moderation/spaces/[id]/members/[userId]/mute': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/members/${other.user.id}/mute`, body: { reason: 'hi' }, expect: 404 }]
			},
			'DELETE /api/v1/moderation/spaces/[id]/members/[userId]/mute': {
				why: 'moderators, admins and the space’s supervisor only',
				tries: ({ other }) => [{ path: `/api/v1/moderation/spaces/${other.spaceId}/members/${other.user.id}/mute`, expect: 404 }]
			},
			'POST /api/v1/moderation/users/[id]/suspend': { why: 'moderators and admins only', tries: ({ other }) => [{ path: `/api/v1/moderation/users/${other.user.id}/suspend`, body: {}, expect: 403 }] },
			'POST /api/v1/reports': {
				why: 'goes to moderators, never to the person reported, and only about a space, a message or a person the reporter shares a space with',
				tries: ({ caller, other }) => [
					{ path: '/api/v1/reports', body: { targetType: 'user', targetId: other.user.id, reason: 'other', details: `from ${caller.tag}` }, expect: 404 },
					{ path: '/api/v1/reports', body: { targetType: 'user', targetId: other.user.id, spaceId: caller.spaceId, reason: 'other' }, expect: 404 },
					{ path: '/api/v1/reports', body: { targetType: 'message', targetId: other.messageId, reason: 'other' }, expect: 404 },
					{ path: '/api/v1/reports', body: { targetType: 'space', targetId: other.spaceId, reason: 'other' }, expect: 404 }
				]
			},
			'POST /api/v1/sessions': ownOnly('signs in with an email and a password; names no one else'),
			'DELETE /api/v1/sessions': ownOnly('ends every session of the caller’s own'),
			'DELETE /api/v1/sessions/current': ownOnly('ends the caller’s own session'),
			'GET /api/v1/spaces': ownOnly('the spaces the caller is in', '/api/v1/spaces'),
			'POST /api/v1/spaces': {
				why: 'creates a space with the caller in it, and a supervisor only if that is a moderator or an admin',
				tries: ({ caller, other }) => [{ path: '/api/v1/spaces', body: spaceBody({ title: `From ${caller.tag}`, supervisorId: other.user.id }), expect: 400 }]
			},
			'GET /api/v1/spaces/[id]': { why: 'a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/spaces/${other.spaceId}`, expect: 404 }] },
			'GET /api/v1/spaces/[id]/documents': { why: 'a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/spaces/${other.spaceId}/documents`, expect: 404 }] },
			'POST /api/v1/spaces/[id]/documents': {
				why: 'a space the caller is in',
				tries: ({ caller, other }) => [{ path: `/api/v1/spaces/${other.spaceId}/documents`, body: { kind: 'text', title: `From ${caller.tag}` }, expect: 404 }]
			},
			'POST /api/v1/spaces/[id]/invites': { why: 'a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/spaces/${other.spaceId}/invites`, body: {}, expect: 404 }] },
			'DELETE /api/v1/spaces/[id]/members/[userId]': {
				why: 'the owner or a supervisor of the space, about someone in it',
				tries: ({ caller, other }) => [
					{ path: `/api/v1/spaces/${other.spaceId}/members/${other.user.id}`, expect: 404 },
					{ path: `/api/v1/spaces/${caller.spaceId}/members/${other.user.id}`, expect: 404 }
				]
			},
			'DELETE /api/v1/spaces/[id]/membership': { why: 'the caller leaves a space they are in', tries: ({ other }) => [{ path: `/api/v1/spaces/${other.spaceId}/membership`, expect: 404 }] },
			'POST /api/v1/spaces/[id]/pause': { why: 'a mentee pauses their own pair', tries: ({ other }) => [{ path: `/api/v1/spaces/${other.spaceId}/pause`, expect: 404 }] },
			'GET /api/v1/matching/profile': ownOnly('the caller’s own matching profile and the program’s goal tags', '/api/v1/matching/profile'),
			'PUT /api/v1/matching/profile': {
				why: 'changes the caller’s own matching profile, which names no one and is shown to no one but the caller and admins',
				tries: (p) => [{ path: '/api/v1/matching/profile', body: hello(p), expect: 400 }]
			},
			'PUT /api/v1/admin/users/[id]/vetting': {
				why: 'admins only (vetting a mentor for work with minors)',
				tries: ({ other }) => [{ path: `/api/v1/admin/users/${other.user.id}/vetting`, body: { vetted: true }, expect: 403 }]
			},
			'GET /api/v1/matching/settings': adminOnly('/api/v1/matching/settings'),
			'GET /api/v1/evaluation': adminOnly('/api/v1/evaluation'),
			'GET /api/v1/evaluation/quiet-pairs': adminOnly('/api/v1/evaluation/quiet-pairs'),
			'GET /api/v1/evaluation/safeguarding': staffOnly('/api/v1/evaluation/safeguarding'),
			'GET /admin/evaluation/export.csv': { why: 'admins only; for anyone else the page does not exist', tries: () => [{ path: '/admin/evaluation/export.csv', expect: 404 }] },
			'GET /api/v1/documents/[id]/works': { why: 'the works of a document of a space the caller is in', tries: ({ other }) => [{ path: `/api/v1/documents/${other.docId}/works`, expect: 404 }] },
			'POST /api/v1/documents/[id]/works': {
				why: 'proposes a document of a space the caller is in; its contributors are asked, no one else',
				tries: ({ caller, other }) => [{ path: `/api/v1/documents/${other.docId}/works`, body: { title: `from ${caller.tag}`, statement: 'x', altText: 'x', lang: 'en' }, expect: 404 }]
			},
			'GET /api/v1/works/[id]': { why: 'a work of a space the caller is in, or that asks for their consent', tries: () => [{ path: `/api/v1/works/${made}`, expect: 404 }] },
			'POST /api/v1/works/[id]/retract': { why: 'the caller’s own proposal', tries: () => [{ path: `/api/v1/works/${made}/retract`, expect: 404 }] },
			'POST /api/v1/works/[id]/review': staffOnly(`/api/v1/works/${made}/review`, { decision: 'approve' }),
			'GET /api/v1/me/works': ownOnly('the works that ask for the caller’s consent; names only people who made them together', '/api/v1/me/works'),
			'PUT /api/v1/me/works/[id]': {
				why: 'the caller’s own answer about a work that asks for it',
				tries: () => [{ path: `/api/v1/me/works/${made}`, body: { decision: 'granted', credit: 'name', showCountry: true }, expect: 404 }]
			},
			'GET /api/v1/moderation/works': staffOnly('/api/v1/moderation/works'),
			'GET /api/v1/exhibitions': adminOnly('/api/v1/exhibitions'),
			'POST /api/v1/exhibitions': adminOnly('/api/v1/exhibitions', { title: 'x', introduction: 'x', lang: 'en' }),
			'GET /api/v1/exhibitions/[id]': adminOnly(`/api/v1/exhibitions/${made}`),
			'PUT /api/v1/exhibitions/[id]': adminOnly(`/api/v1/exhibitions/${made}`, { title: 'x', introduction: 'x', lang: 'en' }),
			'PUT /api/v1/exhibitions/[id]/works': adminOnly(`/api/v1/exhibitions/${made}/works`, { workIds: [] }),
			'POST /api/v1/exhibitions/[id]/publish': adminOnly(`/api/v1/exhibitions/${made}/publish`),
			'POST /api/v1/exhibitions/[id]/unpublish': adminOnly(`/api/v1/exhibitions/${made}/unpublish`),
			'GET /api/v1/archive': ownOnly('finished works with every consent in, credited only as their makers (and guardians) chose; takes no person', '/api/v1/archive'),
			'GET /exhibitions/[slug]/works/[workId].svg': {
				why: 'public, no account needed: a canvas work’s image only while it is approved, consented to by everyone in it and shown in a published exhibition; it carries nothing to anyone',
				tries: () => [{ path: `/exhibitions/no-such-exhibition/works/${made}.svg`, expect: 404 }]
			},
			'GET /guardian/[token]/works/[workId].svg': {
				why: 'a guardian’s standing link shows a canvas their child helped make, to decide about it; a made-up link or another work is not found',
				tries: () => [{ path: `/guardian/${'x'.repeat(43)}/works/${made}.svg`, expect: 404 }]
			},
			'GET /works/[workId]/preview.svg': {
				why: 'a proposed canvas as it will be shown, for the members of its space, its contributors and staff; any other work is not found',
				tries: () => [{ path: `/works/${made}/preview.svg`, expect: 404 }]
			},
			'GET /archive/[workId]/download': {
				why: 'signed-in members: a finished work (approved, with every contributor’s consent) as a file; any other work is not found',
				tries: () => [{ path: `/archive/${made}/download?format=pdf`, expect: 404 }]
			},
			'GET /api/v1/surveys': adminOnly('/api/v1/surveys'),
			'POST /api/v1/surveys': adminOnly('/api/v1/surveys', {}),
			'GET /api/v1/surveys/[id]': adminOnly(`/api/v1/surveys/${made}`),
			'POST /api/v1/surveys/[id]/open': adminOnly(`/api/v1/surveys/${made}/open`),
			'POST /api/v1/surveys/[id]/close': adminOnly(`/api/v1/surveys/${made}/close`),
			'GET /api/v1/me/surveys': ownOnly('the surveys waiting for the caller, in their language; names no one', '/api/v1/me/surveys'),
			'POST /api/v1/me/surveys/[pointId]': {
				why: 'answers a survey waiting for the caller; the answers go to no one, only into figures about five people or more',
				tries: () => [{ path: `/api/v1/me/surveys/${made}`, body: { lang: 'en', answers: { [made]: 3 } }, expect: 404 }]
			},
			'PUT /api/v1/matching/settings': adminOnly('/api/v1/matching/settings', { minOverlapHours: 2 }),
			'GET /api/v1/matching/rounds': adminOnly('/api/v1/matching/rounds'),
			'POST /api/v1/matching/rounds': adminOnly('/api/v1/matching/rounds', {}),
			'GET /api/v1/matching/rounds/[id]': adminOnly(`/api/v1/matching/rounds/${made}`),
			'DELETE /api/v1/matching/rounds/[id]': adminOnly(`/api/v1/matching/rounds/${made}`),
			'PATCH /api/v1/matching/rounds/[id]/proposals': {
				why: 'admins only (pairs made by hand, checked against every hard constraint)',
				tries: ({ caller, other }) => [{ path: `/api/v1/matching/rounds/${made}/proposals`, body: { changes: [{ menteeId: other.user.id, mentorId: caller.user.id }] }, expect: 403 }]
			},
			'POST /api/v1/matching/rounds/[id]/publish': adminOnly(`/api/v1/matching/rounds/${made}/publish`),
			'GET /api/v1/matching/mentors': {
				why: 'mentees only, and a minor is shown only mentors vetted for work with minors (this mentor is not)',
				tries: ({ caller }) => [{ path: '/api/v1/matching/mentors', expect: caller === minor ? 200 : 403 }]
			},
			'GET /api/v1/mentorships': ownOnly('the caller’s own mentorships', '/api/v1/mentorships'),
			'POST /api/v1/mentorships': {
				why:
					'a mentee asks for a mentor, and the pair is checked as a round checks it: a minor cannot ask for a mentor not vetted for ' +
					'minors; a mentor cannot ask at all. Once asked, the mentorship carries no text, and anything written waits for an active pair with its space',
				tries: ({ caller, other }) => [{ path: '/api/v1/mentorships', body: { mentorId: other.user.id }, expect: caller === minor ? 409 : 403 }]
			},
			...Object.fromEntries(
				['', '/accept', '/decline', '/pause', '/resume', '/complete', '/end', '/goals', '/tasks', '/meetings', '/meetings.ics'].map((sub) => {
					const method = sub === '' || sub === '/meetings.ics' ? 'GET' : 'POST';
					const body: Record<string, (p: Pair) => unknown> = {
						'/end': () => ({ reason: 'report' }),
						'/goals': ({ caller }) => ({ text: `hi from ${caller.tag}` }),
						'/tasks': ({ caller }) => ({ title: `hi from ${caller.tag}` }),
						'/meetings': ({ caller }) => ({ startsAt: new Date(Date.now() + 86_400_000).toISOString(), note: `hi from ${caller.tag}` })
					};
					return [
						`${method} /api/v1/mentorships/[id]${sub}`,
						{
							why: 'a mentorship the caller is part of (staff read and end; no one else learns it exists)',
							tries: (p: Pair) => [{ path: `/api/v1/mentorships/${p.other.spaceId}${sub}`, body: body[sub]?.(p), expect: 404 }]
						}
					];
				})
			),
			...Object.fromEntries(
				(
					[
						['PATCH', 'goals', 'goalId', ({ caller }: Pair) => ({ text: `hi from ${caller.tag}` })],
						['DELETE', 'goals', 'goalId', () => undefined],
						['PATCH', 'tasks', 'taskId', ({ caller }: Pair) => ({ title: `hi from ${caller.tag}` })],
						['DELETE', 'tasks', 'taskId', () => undefined],
						['PATCH', 'meetings', 'meetingId', () => ({ status: 'accepted' })]
					] as const
				).map(([method, list, param, body]) => [
					`${method} /api/v1/mentorships/[id]/${list}/[${param}]`,
					{
						why: 'an item of a mentorship the caller is part of, looked up within it',
						tries: (p: Pair) => [{ path: `/api/v1/mentorships/${p.other.spaceId}/${list}/${p.other.messageId}`, body: body(p), expect: 404 }]
					}
				])
			),
			'POST /api/v1/users': ownOnly(
				'signs up a new account (no one is signed in); a guardian address given there is mailed a consent request, outside Tessera, never another account here'
			),
			'GET /api/v1/users': adminOnly('/api/v1/users'),
			'PATCH /api/v1/users/[id]': { why: 'admins only', tries: ({ other }) => [{ path: `/api/v1/users/${other.user.id}`, body: { role: 'mentee' }, expect: 403 }] }
		};

		it('every client event, every event the server handles and every endpoint on disk is classified here', () => {
			expect(Object.keys(EVENTS).sort()).toEqual([...CLIENT_EVENTS].sort());
			expect(serverSocketEvents()).toEqual([...CLIENT_EVENTS].sort());
			expect(Object.keys(ROUTES).sort()).toEqual(endpointsOnDisk());
		});

		for (const event of CLIENT_EVENTS) {
			it(`socket ${event}: ${EVENTS[event].why}`, async () => {
				await bothWays(async (p) => {
					const actor = await sockets.connect(url, { token: p.caller.user.token });
					const acks: unknown[] = [];
					for (const { payload, expect: expected } of EVENTS[event].tries(p)) {
						const ack = (await request(actor, event, payload)) as { ok: boolean; error?: { code: string } };
						expect(ack.ok ? 'ok' : ack.error!.code, `${event} ${JSON.stringify(payload)}`).toBe(expected);
						acks.push(ack);
					}
					return acks;
				});
			});
		}

		for (const route of Object.keys(ROUTES)) {
			const [method, pattern] = route.split(' ') as [string, string];
			it(`${route}: ${ROUTES[route]!.why}`, async () => {
				await bothWays(async (p) => {
					const answers: unknown[] = [];
					for (const { path, body, expect: expected } of ROUTES[route]!.tries(p)) {
						expect(path.split('?')[0], 'the request is for this route').toMatch(routeRegExp(pattern));
						const res = await api(url, path, { method, token: p.caller.user.token, body });
						expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(expected);
						answers.push(res.text);
					}
					return answers;
				});
			});
		}

		it('the document route /yjs/:id: a document of a space the caller is not in is not found', async () => {
			await bothWays(async ({ caller, other }) => {
				const upgrade = await rawUpgrade(url, `/yjs/${other.docId}?token=${encodeURIComponent(caller.user.token)}`);
				expect(upgrade.status).toBe(404);
				return [upgrade.response];
			});
		});
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
