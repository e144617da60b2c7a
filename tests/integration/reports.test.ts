import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anonymousFeedback, reports, spaceMutes } from '../../server/db/schema';
import type { ModerationAlert } from '../../src/lib/protocol/events';
import { api, createSpace, joinSpace, newUser, type TestUser } from '../helpers/api';
import { record, request, sendOk } from '../helpers/chat';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextMatching } from '../helpers/wait';

const drivers = await availableDrivers();

describe.each(drivers)('reports (%s)', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();
	/** Every log line of the file's server, at debug level: checked at the end for texts that must never be logged. */
	const logs: string[] = [];

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { translator: 'none', chatSendBurst: 10_000, logLevel: 'debug', logDestination: { write: (line: string) => void logs.push(line) } }
		});
		admin = await newUser(server.url, { role: 'mentor' });
		moderator = await newModerator(server.url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const report = (who: { token: string }, body: Record<string, unknown>) => api(server.url, '/api/v1/reports', { token: who.token, body });
	const send = (s: ClientSocket, spaceId: string) => request(s, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hello' });

	async function joined(who: TestUser, ...spaceIds: string[]): Promise<ClientSocket> {
		const s = await sockets.connect(server.url, { token: who.token });
		for (const spaceId of spaceIds) expect(await request(s, 'space:join', { spaceId })).toMatchObject({ ok: true });
		return s;
	}

	/** Everything a socket receives, by event name, from now on. */
	function everything(s: ClientSocket): { event: string; args: unknown[] }[] {
		const seen: { event: string; args: unknown[] }[] = [];
		s.onAny((event, ...args) => seen.push({ event, args }));
		return seen;
	}

	const reportCount = async () => Number((await server.db.select({ n: count() }).from(reports))[0]!.n);

	describe('filing', () => {
		it('a member reports a message, a member and the space; the answer names nobody', async () => {
			const [owner, member] = await Promise.all([newUser(server.url), newUser(server.url)]);
			const spaceId = await createSpace(server.url, owner);
			await joinSpace(server.url, owner, member, spaceId);
			const message = await sendOk(await joined(owner, spaceId), spaceId, 'something unkind');

			const onMessage = await report(member, { targetType: 'message', targetId: message.id, reason: 'harassment', details: 'not the first time' });
			expect(onMessage.status).toBe(201);
			expect(onMessage.body).toEqual({ report: { id: expect.any(String), status: 'open', createdAt: expect.any(String) } });
			expect((await report(member, { targetType: 'user', targetId: owner.id, spaceId, reason: 'inappropriate' })).status).toBe(201);
			expect((await report(member, { targetType: 'user', targetId: owner.id, reason: 'spam' })).status).toBe(201);
			expect((await report(member, { targetType: 'space', targetId: spaceId, reason: 'other' })).status).toBe(201);

			const [row] = await server.db.select().from(reports).where(eq(reports.id, onMessage.body.report.id));
			expect(row).toMatchObject({ reporterId: member.id, subjectId: owner.id, spaceId, reason: 'harassment', details: 'not the first time', urgent: false, status: 'open' });
		});

		it('outsiders get not_found and bad input is refused, and neither files anything', async () => {
			const [owner, member, stranger] = await Promise.all([newUser(server.url), newUser(server.url), newUser(server.url)]);
			const spaceId = await createSpace(server.url, owner);
			await joinSpace(server.url, owner, member, spaceId);
			const message = await sendOk(await joined(owner, spaceId), spaceId, 'hello');
			const before = await reportCount();

			for (const body of [
				{ targetType: 'message', targetId: message.id, reason: 'spam' },
				{ targetType: 'space', targetId: spaceId, reason: 'spam' },
				{ targetType: 'user', targetId: owner.id, reason: 'spam' },
				{ targetType: 'user', targetId: owner.id, spaceId, reason: 'spam' }
			]) {
				expect(await report(stranger, body)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
			}
			expect(await report(member, { targetType: 'message', targetId: randomUUID(), reason: 'spam' })).toMatchObject({ status: 404 });
			expect(await report(member, { targetType: 'message', targetId: message.id, reason: 'boring' })).toMatchObject({
				status: 400,
				body: { error: { code: 'invalid_input', fields: { reason: { code: 'invalid_value' } } } }
			});
			expect(await report(member, { targetType: 'message', targetId: message.id, reason: 'spam', details: 'x'.repeat(2001) })).toMatchObject({
				status: 400,
				body: { error: { fields: { details: { code: 'details_too_long' } } } }
			});
			expect(await report(member, { targetType: 'planet', targetId: message.id, reason: 'spam' })).toMatchObject({ status: 400 });
			expect(await report(member, { targetType: 'user', targetId: member.id, reason: 'spam' })).toMatchObject({ status: 400 });
			expect((await api(server.url, '/api/v1/reports', { body: { targetType: 'space', targetId: spaceId, reason: 'spam' } })).status).toBe(401);
			expect(await reportCount()).toBe(before);
		});
	});

	describe('a minor reports an adult', () => {
		it('pauses the mentor’s sending in every space they share at once, alerts a connected moderator and never names the reporter', async () => {
			const [mentor, minor, otherMentee] = await Promise.all([
				newUser(server.url, { role: 'mentor' }),
				newUser(server.url, { birthDate: minorBirthDate() }),
				newUser(server.url)
			]);
			const supervisor = await newModerator(server.url, admin);
			const shared1 = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor] });
			const shared2 = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor], kind: 'pair' });
			const elsewhere = await createSpace(server.url, mentor);
			await joinSpace(server.url, mentor, otherMentee, elsewhere);
			const mentorSocket = await joined(mentor, shared1, shared2, elsewhere);
			const minorSocket = await joined(minor, shared1);
			const message = await sendOk(mentorSocket, shared1, 'a message the minor reports');
			const modSocket = await sockets.connect(server.url, { token: moderator.token });
			const alerted = nextMatching<ModerationAlert>(modSocket, 'moderation:alert', (a) => a.kind === 'report' && a.spaceId === shared1);
			const mentorSaw = everything(mentorSocket);
			const minorMessages = everything(minorSocket);

			const res = await report(minor, { targetType: 'message', targetId: message.id, reason: 'contact_request' });
			expect(res.status).toBe(201);
			// At once: the very next send after the answer is held in both shared spaces — silently, as any held text
			// (the mentor is not told of a report, so cannot work out who made it) — and goes out elsewhere.
			const heldSend = await send(mentorSocket, shared1);
			expect(heldSend).toMatchObject({ ok: true, message: { held: 'pending' } });
			expect(await send(mentorSocket, shared2)).toMatchObject({ ok: true, message: { held: 'pending' } });
			const free = await send(mentorSocket, elsewhere);
			expect(free.ok && free.message.held).toBeFalsy();
			const queued = await server.app.moderation.queue({ spaceId: shared1 });
			expect(queued.find((q) => q.targetId === (heldSend.ok ? heldSend.message.id : ''))).toMatchObject({ hook: 'report_pause', reason: 'paused_after_report' });

			const alert = await alerted;
			expect(alert).toEqual({ kind: 'report', reportId: res.body.report.id, spaceId: shared1, reason: 'contact_request', urgent: true, createdAt: expect.any(String) });
			expect(JSON.stringify(alert)).not.toContain(minor.id);

			const mutes = await server.db.select().from(spaceMutes).where(eq(spaceMutes.userId, mentor.id));
			expect(mutes.map((m) => m.spaceId).sort()).toEqual([shared1, shared2].sort());
			for (const m of mutes) expect(m).toMatchObject({ until: null, reason: 'minor_report', reportId: res.body.report.id, liftedAt: null });

			// The mentor is told nothing about who reported: no event they received names the minor, and the
			// moderation API refuses them.
			expect(JSON.stringify(mentorSaw)).not.toContain(minor.id);
			expect(mentorSaw.map((e) => e.event)).not.toContain('moderation:alert');
			expect(minorMessages.map((e) => e.event)).not.toContain('moderation:alert');
			expect((await api(server.url, '/api/v1/moderation/reports', { token: mentor.token })).status).toBe(403);
			expect((await api(server.url, `/api/v1/moderation/reports/${res.body.report.id}`, { token: mentor.token })).status).toBe(403);

			// Moderators see it, urgent, with its message and space, oldest first.
			const open = await api(server.url, '/api/v1/moderation/reports?status=open&limit=200', { token: moderator.token });
			expect(open.status).toBe(200);
			const mine = open.body.reports.find((r: { id: string }) => r.id === res.body.report.id);
			expect(mine).toMatchObject({
				urgent: true,
				reason: 'contact_request',
				reporter: { id: minor.id },
				subject: { id: mentor.id, role: 'mentor' },
				space: { id: shared1 },
				message: { id: message.id, text: 'a message the minor reports' },
				pausedSpaces: expect.arrayContaining([shared1, shared2])
			});
			const times = open.body.reports.map((r: { createdAt: string }) => Date.parse(r.createdAt));
			expect(times).toEqual([...times].sort((a, b) => a - b));

			// Dismissing lifts the pause (by default), at once.
			const dismissed = await api(server.url, `/api/v1/moderation/reports/${res.body.report.id}`, { method: 'PATCH', token: moderator.token, body: { status: 'dismissed', resolution: 'misunderstanding' } });
			expect(dismissed).toMatchObject({ status: 200, body: { report: { status: 'dismissed', resolution: 'misunderstanding', resolvedBy: moderator.id, pausedSpaces: [] } } });
			await sendOk(mentorSocket, shared1, 'allowed again');
			expect(
				await api(server.url, `/api/v1/moderation/reports/${res.body.report.id}`, { method: 'PATCH', token: moderator.token, body: { status: 'resolved' } })
			).toMatchObject({ status: 409, body: { error: { code: 'report_closed' } } });
			const audit = await api(server.url, `/api/v1/moderation/audit?targetType=report&target=${res.body.report.id}`, { token: moderator.token });
			expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['report.dismiss', 'report.create']);
		});

		it('a report by an adult, or by a minor on another minor, pauses no one', async () => {
			const [mentor, minor, minor2] = await Promise.all([
				newUser(server.url, { role: 'mentor' }),
				newUser(server.url, { birthDate: minorBirthDate() }),
				newUser(server.url, { birthDate: minorBirthDate() })
			]);
			const supervisor = await newModerator(server.url, admin);
			const spaceId = await supervisedSpace(server.url, { owner: mentor, supervisor, members: [minor, minor2] });
			const minorSocket = await joined(minor, spaceId);
			const mentorSocket = await joined(mentor, spaceId);
			const fromMinor = await sendOk(minorSocket, spaceId, 'hi');
			expect((await report(mentor, { targetType: 'message', targetId: fromMinor.id, reason: 'inappropriate' })).body.report.status).toBe('open');
			expect((await report(minor2, { targetType: 'user', targetId: minor.id, spaceId, reason: 'harassment' })).status).toBe(201);
			await sendOk(minorSocket, spaceId, 'still allowed');
			await sendOk(mentorSocket, spaceId, 'also allowed');
			expect(await server.db.select().from(spaceMutes).where(eq(spaceMutes.spaceId, spaceId))).toEqual([]);
		});
	});

	describe('a reported staff member', () => {
		it('sees no report about them and never who filed it — reports API, queue, alerts, audit log, console — while other moderators see both', async () => {
			// A moderator who also mentors a minor in a pair; another moderator supervises it.
			const [reported, supervisor] = [await newModerator(server.url, admin), await newModerator(server.url, admin)];
			const minor = await newUser(server.url, { birthDate: minorBirthDate() });
			const spaceId = await supervisedSpace(server.url, { owner: reported, supervisor, members: [minor], kind: 'pair' });
			const reportedSocket = await joined(reported, spaceId);
			const alertsOfReported = record<ModerationAlert>(reportedSocket, 'moderation:alert');
			const modSocket = await sockets.connect(server.url, { token: moderator.token });
			const modAlerted = nextMatching<ModerationAlert>(modSocket, 'moderation:alert', (a) => a.kind === 'pause' && a.spaceId === spaceId);
			const message = await sendOk(reportedSocket, spaceId, 'a message the minor reports');

			const filed = await report(minor, { targetType: 'message', targetId: message.id, reason: 'grooming', details: 'wants to talk elsewhere' });
			expect(filed.status).toBe(201);
			const paused = await api(server.url, `/api/v1/spaces/${spaceId}/pause`, { method: 'POST', token: minor.token });
			expect(paused.status).toBe(201);
			const reportIds: string[] = [filed.body.report.id, paused.body.reportId];
			const held = await send(reportedSocket, spaceId);
			expect(held).toMatchObject({ ok: true, message: { held: 'pending' } });
			await modAlerted;
			// Alerts reach one connection in order: once this feedback alert is in, any earlier one would be too.
			const feedbackAlert = nextMatching<ModerationAlert>(reportedSocket, 'moderation:alert', (a) => a.kind === 'feedback');
			expect((await api(server.url, '/api/v1/feedback', { token: supervisor.token, body: { text: 'a note' } })).status).toBe(201);
			await feedbackAlert;
			expect(alertsOfReported.map((a) => a.kind)).toEqual(['feedback']);

			const asReported = (path: string, options: { method?: string; body?: unknown } = {}) => api(server.url, path, { token: reported.token, ...options });
			/** What the reported one must never be shown: the reporter, the reports, and (below) the reviews of what the pause held. */
			const hidden = [minor.id, ...reportIds];
			const notIn = (text: string) => {
				for (const id of hidden) expect(text).not.toContain(id);
			};
			for (const status of ['open', 'resolved', 'dismissed']) {
				const list = await asReported(`/api/v1/moderation/reports?status=${status}&limit=200`);
				expect(list.status).toBe(200);
				notIn(list.text);
			}
			for (const id of reportIds) {
				expect(await asReported(`/api/v1/moderation/reports/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
				expect(await asReported(`/api/v1/moderation/reports/${id}`, { method: 'PATCH', body: { status: 'dismissed' } })).toMatchObject({ status: 404 });
			}
			// Nor can they lift the pause on themselves; it is still in force.
			expect((await asReported(`/api/v1/moderation/spaces/${spaceId}/members/${reported.id}/mute`, { method: 'DELETE' })).status).toBe(400);
			const heldAgain = await send(reportedSocket, spaceId);
			expect(heldAgain).toMatchObject({ ok: true, message: { held: 'pending' } });

			// The queue holds their own held texts for others to review, not for them.
			const queue = await asReported('/api/v1/moderation/queue?limit=200');
			expect(queue.status).toBe(200);
			expect(queue.body.items.map((i: { authorId: string }) => i.authorId)).not.toContain(reported.id);
			const queued = await server.app.moderation.queue({ spaceId });
			const entryOf = (m: typeof held) => queued.find((q) => q.targetId === (m.ok ? m.message.id : ''))!;
			expect(entryOf(held)).toMatchObject({ hook: 'report_pause' });
			expect(await asReported(`/api/v1/moderation/queue/${entryOf(held).id}/approve`, { method: 'POST' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
			// Another moderator reviews them: the review names the pause, so it is not in the reported one's log either.
			expect((await api(server.url, `/api/v1/moderation/queue/${entryOf(held).id}/approve`, { method: 'POST', token: moderator.token })).status).toBe(200);
			expect((await api(server.url, `/api/v1/moderation/queue/${entryOf(heldAgain).id}/reject`, { method: 'POST', token: moderator.token })).status).toBe(200);
			hidden.push(entryOf(held).targetId, entryOf(heldAgain).targetId);

			// The audit log: not the report, its reporter, its closing, the pause, nor the review of what the pause held.
			const audit = await asReported('/api/v1/moderation/audit?limit=200');
			expect(audit.status).toBe(200);
			notIn(audit.text);
			expect((await asReported(`/api/v1/moderation/audit?actor=${minor.id}`)).body.entries).toEqual([]);
			expect((await asReported(`/api/v1/moderation/audit?targetType=report&target=${reportIds[0]}`)).body.entries).toEqual([]);
			expect((await asReported(`/api/v1/moderation/audit?space=${spaceId}&limit=200`)).body.entries.map((e: { action: string }) => e.action)).not.toContain('space.pause');

			// The console and the audit page, as their browser loads them.
			for (const page of ['/moderation', '/moderation/audit']) {
				const res = await api(server.url, page, { cookie: reported.cookie });
				expect(res.status).toBe(200);
				notIn(res.text);
			}

			// Everyone else on the staff sees the reports, their reporter and the pause.
			const open = await api(server.url, '/api/v1/moderation/reports?status=open&limit=200', { token: moderator.token });
			expect(open.body.reports.find((r: { id: string }) => r.id === reportIds[0])).toMatchObject({ reporter: { id: minor.id }, subject: { id: reported.id }, pausedSpaces: [spaceId] });
			expect(open.body.reports.find((r: { id: string }) => r.id === reportIds[1])).toMatchObject({ reporter: { id: minor.id }, reason: 'paused_match' });
			const seen = await api(server.url, `/api/v1/moderation/audit?actor=${minor.id}`, { token: moderator.token });
			expect(seen.body.entries.map((e: { action: string }) => e.action).sort()).toEqual(['report.create', 'space.pause']);
			const reviews = await api(server.url, `/api/v1/moderation/audit?space=${spaceId}&action=message.&limit=200`, { token: moderator.token });
			expect(reviews.body.entries.map((e: { action: string; detail: { hook: string } }) => [e.action, e.detail.hook]).sort()).toEqual([
				['message.approve', 'report_pause'],
				['message.reject', 'report_pause']
			]);
			const console_ = await api(server.url, '/moderation', { cookie: moderator.cookie });
			for (const id of reportIds) expect(console_.text).toContain(id);
		});
	});

	describe('pause this match', () => {
		it('a mentee pauses their pair: the mentor’s sending stops at once, they are sent nothing, moderators are alerted', async () => {
			const [mentor, mentee] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url)]);
			const spaceId = await createSpace(server.url, mentor, { kind: 'pair' });
			await joinSpace(server.url, mentor, mentee, spaceId);
			const mentorSocket = await joined(mentor, spaceId);
			const menteeSocket = await joined(mentee, spaceId);
			const modSocket = await sockets.connect(server.url, { token: moderator.token });
			const alerted = nextMatching<ModerationAlert>(modSocket, 'moderation:alert', (a) => a.spaceId === spaceId);
			const mentorSaw = everything(mentorSocket);

			const res = await api(server.url, `/api/v1/spaces/${spaceId}/pause`, { method: 'POST', token: mentee.token });
			expect(res).toMatchObject({ status: 201, body: { paused: true, reportId: expect.any(String) } });
			// Held, as any held text: the mentor is not told the match was paused.
			expect(await send(mentorSocket, spaceId)).toMatchObject({ ok: true, message: { held: 'pending' } });
			expect(await alerted).toMatchObject({ kind: 'pause', reportId: res.body.reportId, urgent: true, reason: 'paused_match' });
			// The mentee can still write; the mentor receives that message, and nothing else.
			const later = await sendOk(menteeSocket, spaceId, 'a message after the pause');
			await nextMatching(mentorSocket, 'chat:message', (m: { id: string }) => m.id === later.id);
			expect(mentorSaw.map((e) => e.event)).toEqual(['chat:message', 'chat:message']); // their own held message, then the mentee's

			// Pausing again files nothing new.
			const again = await api(server.url, `/api/v1/spaces/${spaceId}/pause`, { method: 'POST', token: mentee.token });
			expect(again.body.reportId).toBe(res.body.reportId);
		});

		it('only a mentee of a pair may pause it; anyone else is refused and nothing changes', async () => {
			const [mentor, mentee, stranger, member] = await Promise.all([newUser(server.url, { role: 'mentor' }), newUser(server.url), newUser(server.url), newUser(server.url)]);
			const pair = await createSpace(server.url, mentor, { kind: 'pair' });
			await joinSpace(server.url, mentor, mentee, pair);
			const group = await createSpace(server.url, mentee, { kind: 'collective' });
			await joinSpace(server.url, mentee, member, group);
			const before = await reportCount();
			const pause = (who: TestUser, spaceId: string) => api(server.url, `/api/v1/spaces/${spaceId}/pause`, { method: 'POST', token: who.token });
			expect(await pause(mentor, pair)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
			expect(await pause(stranger, pair)).toMatchObject({ status: 404 });
			expect(await pause(mentee, group)).toMatchObject({ status: 409, body: { error: { code: 'pair_only' } } });
			expect(await pause(mentee, 'not-a-uuid')).toMatchObject({ status: 404 });
			expect(await reportCount()).toBe(before);
		});
	});

	describe('anonymous feedback', () => {
		it('is stored with no author, limited per session, and read only by moderators', async () => {
			const mentee = await newUser(server.url);
			const feedbackCount = async () => Number((await server.db.select({ n: count() }).from(anonymousFeedback))[0]!.n);
			const before = await feedbackCount();
			const res = await api(server.url, '/api/v1/feedback', { token: mentee.token, body: { text: 'The sessions are too late for me.', lang: 'en' } });
			expect(res).toMatchObject({ status: 201, body: { ok: true } });
			const [row] = await server.db.select().from(anonymousFeedback).where(eq(anonymousFeedback.text, 'The sessions are too late for me.'));
			expect(Object.keys(row!).sort()).toEqual(['createdAt', 'id', 'lang', 'readAt', 'text']);
			for (let i = 0; i < 4; i++) expect((await api(server.url, '/api/v1/feedback', { token: mentee.token, body: { text: `note ${i}` } })).status).toBe(201);
			const limited = await api(server.url, '/api/v1/feedback', { token: mentee.token, body: { text: 'one too many' } });
			expect(limited).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
			expect((await feedbackCount()) - before).toBe(5);
			expect(await api(server.url, '/api/v1/feedback', { token: mentee.token, body: { text: '' } })).toMatchObject({ status: 400 });
			expect((await api(server.url, '/api/v1/feedback', { token: mentee.token })).status).toBe(403);
			const read = await api(server.url, '/api/v1/feedback', { token: moderator.token });
			expect(read.status).toBe(200);
			expect(read.body.feedback.map((f: { text: string }) => f.text)).toContain('The sessions are too late for me.');
		});
	});

	describe('logs', () => {
		it('hold no report details, no feedback text and no message text, at debug level', () => {
			expect(logs.length).toBeGreaterThan(0);
			const all = logs.join('\n');
			expect(all).toContain('report filed');
			for (const text of ['not the first time', 'The sessions are too late for me.', 'a message the minor reports', 'a message after the pause', 'misunderstanding']) {
				expect(all).not.toContain(text);
			}
		});
	});

	describe('restarts', () => {
		it('an open report, and the pause it caused, are still there after the server restarts on the same database', async () => {
			const own = await startTestServer({ db: driver, config: { translator: 'none' } });
			let current = own;
			try {
				const boss = await newUser(current.url, { role: 'mentor' });
				const mod = await newModerator(current.url, boss);
				const [mentor, minor] = await Promise.all([newUser(current.url, { role: 'mentor' }), newUser(current.url, { birthDate: minorBirthDate() })]);
				const spaceId = await supervisedSpace(current.url, { owner: mentor, supervisor: mod, members: [minor], kind: 'pair' });
				const filed = await api(current.url, '/api/v1/reports', { token: minor.token, body: { targetType: 'user', targetId: mentor.id, spaceId, reason: 'grooming' } });
				expect(filed.status).toBe(201);

				current = await own.restart!();
				const open = await api(current.url, '/api/v1/moderation/reports?status=open', { token: mod.token });
				expect(open.status).toBe(200);
				expect(open.body.reports).toEqual([expect.objectContaining({ id: filed.body.report.id, status: 'open', urgent: true, reason: 'grooming', pausedSpaces: [spaceId] })]);
				const s = await sockets.connect(current.url, { token: mentor.token });
				expect(await request(s, 'space:join', { spaceId })).toMatchObject({ ok: true });
				expect(await request(s, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hello?' })).toMatchObject({ ok: true, message: { held: 'pending' } });
			} finally {
				await current.close();
			}
		});
	});
});
