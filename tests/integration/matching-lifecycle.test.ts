import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { auditLog, matchingProfiles, mentorshipGoals, mentorshipMeetings, mentorships, mentorshipTasks, moderationQueue, spaces } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { activePair, newMentee, newMentor, newMinorMentee } from '../helpers/matching';
import { newStaff, yearsAgo } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;

/** Content lines of an iCalendar text (unfolded, RFC 5545 §3.1), and its events as maps of property → value. */
function parseIcs(text: string) {
	const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
	const events: Record<string, string>[] = [];
	let current: Record<string, string> | null = null;
	for (const line of lines) {
		if (line === 'BEGIN:VEVENT') current = {};
		else if (line === 'END:VEVENT') events.push(current!), (current = null);
		else if (current) {
			const i = line.indexOf(':');
			current[line.slice(0, i)] = line.slice(i + 1);
		}
	}
	return { lines, events };
}
const fromIcs = (s: string) => new Date(s.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')).toISOString();

describe.each(drivers)('a mentorship’s life: transitions, who may act, goals, tasks and meetings (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url);
		moderator = await newStaff(url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	const post = (who: TestUser, path: string, body?: unknown) => api(url, path, { method: 'POST', token: who.token, body });
	const statusOf = async (id: string) => (await server.db.select({ s: mentorships.status }).from(mentorships).where(eq(mentorships.id, id)))[0]!.s;

	it('proposed → active → paused → active → completed; every illegal move is 409 and changes nothing', async () => {
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		const seen: string[] = [];
		const listener = (e: { status: string }) => void seen.push(e.status);
		server.app.matching.events.on('mentorship:changed', listener);
		try {
			const asked = await post(mentee, '/api/v1/mentorships', { mentorId: mentor.id });
			const id = asked.body.id as string;
			const illegal = async (who: TestUser, action: string, body?: unknown) => {
				const before = await statusOf(id);
				const res = await post(who, `/api/v1/mentorships/${id}/${action}`, body);
				expect(res.status, `${action} from ${before}`).toBe(409);
				expect(res.body.error.code).toBe('matching_illegal_transition');
				expect(await statusOf(id)).toBe(before);
			};
			for (const action of ['pause', 'resume', 'complete']) await illegal(mentee, action);
			// Saying yes twice records it once.
			expect((await post(mentee, `/api/v1/mentorships/${id}/accept`)).body).toMatchObject({ status: 'proposed', waitingFor: ['mentor'] });
			expect((await post(mentor, `/api/v1/mentorships/${id}/accept`)).body.status).toBe('active');
			await illegal(mentor, 'resume');
			await illegal(mentor, 'accept');
			await illegal(mentor, 'decline');
			expect((await post(mentee, `/api/v1/mentorships/${id}/pause`)).body.status).toBe('paused');
			await illegal(mentor, 'pause');
			expect((await post(mentor, `/api/v1/mentorships/${id}/resume`)).body.status).toBe('active');
			const done = await post(mentee, `/api/v1/mentorships/${id}/complete`);
			expect(done.body).toMatchObject({ status: 'completed', endedReason: 'completed' });
			for (const action of ['pause', 'resume', 'complete', 'accept', 'decline']) await illegal(mentor, action);
			await illegal(moderator, 'end', { reason: 'program' });
			// One entry per change (the accept and the activation it brought share a transaction, and its timestamp).
			const actions = (await server.db.select({ a: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, id))).map((r) => r.a).sort();
			expect(actions).toEqual(['mentorship.accept', 'mentorship.activate', 'mentorship.complete', 'mentorship.pause', 'mentorship.request', 'mentorship.resume']);
			expect(seen).toEqual(['proposed', 'active', 'paused', 'active', 'completed']);
		} finally {
			server.app.matching.events.off('mentorship:changed', listener);
		}
	});

	it('who may do what: outsiders get 404, staff read but do not act for the pair, only admins run rounds', async () => {
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		const outsider = await newMentee(url);
		const { id } = await activePair(url, mentee, mentor);
		const paths = [`/api/v1/mentorships/${id}`, `/api/v1/mentorships/${id}/meetings.ics`];
		for (const path of paths) expect((await api(url, path, { token: outsider.token })).status, path).toBe(404);
		for (const action of ['accept', 'decline', 'pause', 'resume', 'complete']) expect((await post(outsider, `/api/v1/mentorships/${id}/${action}`)).status).toBe(404);
		expect((await post(outsider, `/api/v1/mentorships/${id}/goals`, { text: 'mine now' })).status).toBe(404);
		expect((await post(outsider, `/api/v1/mentorships/${id}/end`, { reason: 'report' })).status).toBe(404);
		for (const bad of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) expect((await api(url, `/api/v1/mentorships/${bad}`, { token: mentee.token })).status).toBe(404);

		// Staff read; they do not accept, pause or write for the pair.
		expect((await api(url, `/api/v1/mentorships/${id}`, { token: moderator.token })).body.myPart).toBe('staff');
		expect((await post(moderator, `/api/v1/mentorships/${id}/pause`)).status).toBe(403);
		expect((await post(moderator, `/api/v1/mentorships/${id}/goals`, { text: 'a goal' })).status).toBe(403);
		expect((await api(url, '/api/v1/mentorships?all=1', { token: mentee.token })).status).toBe(403);
		expect((await api(url, '/api/v1/mentorships?all=1', { token: moderator.token })).body.mentorships.map((m: { id: string }) => m.id)).toContain(id);
		const badReason = await post(moderator, `/api/v1/mentorships/${id}/end`, { reason: 'because' });
		expect(badReason.status).toBe(400);
		expect(await statusOf(id)).toBe('active');

		// Only admins run, read, adjust and publish rounds.
		for (const who of [mentee, mentor, moderator]) {
			expect((await post(who, '/api/v1/matching/rounds', {})).status).toBe(403);
			expect((await api(url, '/api/v1/matching/rounds', { token: who.token })).status).toBe(403);
		}
		const round = await post(admin, '/api/v1/matching/rounds', {});
		for (const who of [mentee, moderator]) {
			expect((await api(url, `/api/v1/matching/rounds/${round.body.id}`, { token: who.token })).status).toBe(403);
			expect((await post(who, `/api/v1/matching/rounds/${round.body.id}/publish`)).status).toBe(403);
			expect((await api(url, `/api/v1/matching/rounds/${round.body.id}/proposals`, { method: 'PATCH', token: who.token, body: { changes: [{ menteeId: mentee.id, mentorId: null }] } })).status).toBe(403);
		}
		expect((await api(url, `/api/v1/matching/rounds/${round.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
	});

	it('goals, tasks and meetings: the pair keeps them; meetings show both time zones and export to iCalendar', async () => {
		const mentor = await newMentor(url, { overrides: { timezone: 'America/Lima', displayName: 'Luz' } });
		const mentee = await newMentee(url, { overrides: { timezone: 'Europe/London', displayName: 'Tom' } });
		const asked = await post(mentee, '/api/v1/mentorships', { mentorId: mentor.id });
		// Not before the pair is active.
		const early = await post(mentee, `/api/v1/mentorships/${asked.body.id}/goals`, { text: 'finish a comic' });
		expect(early.status).toBe(409);
		expect(early.body.error.code).toBe('matching_not_active');
		await post(mentor, `/api/v1/mentorships/${asked.body.id}/accept`);
		const id = asked.body.id as string;
		const base = `/api/v1/mentorships/${id}`;

		const goal = await post(mentee, `${base}/goals`, { text: 'finish a comic' });
		expect(goal.status, goal.text).toBe(201);
		expect(goal.body).toMatchObject({ text: 'finish a comic', done: false });
		const done = await api(url, `${base}/goals/${goal.body.id}`, { method: 'PATCH', token: mentor.token, body: { done: true } });
		expect(done.body).toMatchObject({ done: true });
		expect((await api(url, `${base}/goals/${goal.body.id}`, { method: 'PATCH', token: mentor.token, body: {} })).status).toBe(400);
		const extra = await post(mentor, `${base}/goals`, { text: 'draw every day' });
		expect((await api(url, `${base}/goals/${extra.body.id}`, { method: 'DELETE', token: mentee.token })).status).toBe(204);
		expect((await post(mentee, `${base}/goals`, { text: '' })).body.error.fields.text.code).toBe('matching_text_invalid');

		const task = await post(mentor, `${base}/tasks`, { title: 'sketch three panels', assignee: mentee.id, due: '2030-01-31' });
		expect(task.status, task.text).toBe(201);
		expect(task.body).toMatchObject({ assignee: mentee.id, due: '2030-01-31', done: false });
		const stranger = await post(mentor, `${base}/tasks`, { title: 'ask a friend', assignee: admin.id });
		expect(stranger.status).toBe(400);
		expect(stranger.body.error.fields.assignee.code).toBe('matching_assignee_invalid');
		expect((await api(url, `${base}/tasks/${task.body.id}`, { method: 'PATCH', token: mentee.token, body: { done: true } })).body.done).toBe(true);

		// A meeting two days ahead, on the hour: Lima has no daylight saving time (UTC−5).
		const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * 86_400_000);
		const past = await post(mentee, `${base}/meetings`, { startsAt: new Date(Date.now() - 3_600_000).toISOString() });
		expect(past.status).toBe(400);
		expect(past.body.error.fields.startsAt.code).toBe('matching_meeting_time_invalid');
		const noZone = await post(mentee, `${base}/meetings`, { startsAt: start.toISOString().slice(0, 16) });
		expect(noZone.body.error.fields.startsAt.code).toBe('matching_meeting_time_invalid');
		const note = 'Bring sketches, pencils; and the draft\nsecond line — ¡vamos!';
		const meeting = await post(mentee, `${base}/meetings`, { startsAt: start.toISOString(), minutes: 45, note });
		expect(meeting.status, meeting.text).toBe(201);
		expect(meeting.body).toMatchObject({ startsAt: start.toISOString(), minutes: 45, status: 'proposed', proposedBy: mentee.id });
		expect(meeting.body.times.mentor).toMatchObject({ timeZone: 'America/Lima', offset: '-05:00' });
		expect(meeting.body.times.mentee.timeZone).toBe('Europe/London');
		for (const side of ['mentee', 'mentor'] as const) {
			const { local, offset } = meeting.body.times[side];
			expect(new Date(`${local}:00${offset}`).toISOString()).toBe(start.toISOString());
		}
		// The one who proposed cannot accept their own proposal; the other can.
		const own = await api(url, `${base}/meetings/${meeting.body.id}`, { method: 'PATCH', token: mentee.token, body: { status: 'accepted' } });
		expect(own.status).toBe(409);
		const accepted = await api(url, `${base}/meetings/${meeting.body.id}`, { method: 'PATCH', token: mentor.token, body: { status: 'accepted' } });
		expect(accepted.body.status).toBe('accepted');
		const other = await post(mentor, `${base}/meetings`, { startsAt: new Date(start.getTime() + 86_400_000).toISOString() });
		expect((await api(url, `${base}/meetings/${other.body.id}`, { method: 'PATCH', token: mentee.token, body: { status: 'cancelled' } })).body.status).toBe('cancelled');
		expect((await api(url, `${base}/meetings/${other.body.id}`, { method: 'PATCH', token: mentor.token, body: { status: 'accepted' } })).status).toBe(409);

		const detail = await api(url, base, { token: mentor.token });
		expect(detail.body.goals.map((g: { text: string }) => g.text)).toEqual(['finish a comic']);
		expect(detail.body.tasks).toHaveLength(1);
		expect(detail.body.meetings.map((m: { status: string }) => m.status)).toEqual(['accepted', 'cancelled']);

		const ics = await api(url, `${base}/meetings.ics`, { token: mentee.token });
		expect(ics.status).toBe(200);
		expect(ics.headers.get('content-type')).toMatch(/^text\/calendar/);
		expect(ics.text.endsWith('\r\n')).toBe(true);
		expect(ics.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of ics.text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
		const parsed = parseIcs(ics.text);
		expect(parsed.lines[0]).toBe('BEGIN:VCALENDAR');
		expect(parsed.lines.at(-1)).toBe('END:VCALENDAR');
		expect(parsed.events).toHaveLength(1);
		const [event] = parsed.events;
		expect(event!.UID).toBe(`${meeting.body.id}@tessera`);
		expect(fromIcs(event!.DTSTART!)).toBe(start.toISOString());
		expect(fromIcs(event!.DTEND!)).toBe(new Date(start.getTime() + 45 * 60_000).toISOString());
		expect(event!.DTSTAMP).toMatch(/^\d{8}T\d{6}Z$/);
		expect(event!.STATUS).toBe('CONFIRMED');
		expect(event!.SUMMARY).toContain('Luz');
		expect(event!.DESCRIPTION).toBe('Bring sketches\\, pencils\\; and the draft\\nsecond line — ¡vamos!');

		// Finished: read-only.
		await post(mentor, `${base}/complete`);
		expect((await post(mentee, `${base}/goals`, { text: 'one more' })).body.error.code).toBe('matching_not_active');
		expect((await api(url, base, { token: mentee.token })).body.goals).toHaveLength(1);
	});

	it('text the moderation pipeline refuses in a minor’s pair is not stored, and its writer is told why in their language', async () => {
		const mentor = await newMentor(url, { vettedBy: admin });
		const minor = await newMinorMentee(url, { overrides: { uiLanguage: 'es' } });
		const { id, spaceId } = await activePair(url, minor, mentor);
		const base = `/api/v1/mentorships/${id}`;
		const counts = async () => ({
			goals: Number((await server.db.select({ n: count() }).from(mentorshipGoals).where(eq(mentorshipGoals.mentorshipId, id)))[0]!.n),
			tasks: Number((await server.db.select({ n: count() }).from(mentorshipTasks).where(eq(mentorshipTasks.mentorshipId, id)))[0]!.n),
			meetings: Number((await server.db.select({ n: count() }).from(mentorshipMeetings).where(eq(mentorshipMeetings.mentorshipId, id)))[0]!.n)
		});
		const before = await counts();
		const refused = await post(minor, `${base}/goals`, { text: 'text me on 555 123 4567 after class' });
		expect(refused.status).toBe(422);
		expect(refused.body.error.code).toBe('matching_text_not_allowed');
		expect(refused.body.error.message).toBe(es.error_matching_text_not_allowed);
		expect(refused.body.error.fields.text.code).toBe('matching_text_not_allowed');
		const byMentor = await post(mentor, `${base}/tasks`, { title: 'write to me at luz.private@example.org' });
		expect(byMentor.status).toBe(422);
		expect(byMentor.body.error.fields.title.code).toBe('matching_text_not_allowed');
		const note = await post(mentor, `${base}/meetings`, { startsAt: new Date(Date.now() + 86_400_000).toISOString(), note: 'my number is 555 987 6543' });
		expect(note.status).toBe(422);
		expect(note.body.error.fields.note.code).toBe('matching_text_not_allowed');
		expect(await counts()).toEqual(before);
		// Kept for moderators, as a refused chat message in a minor's space is.
		const kept = await server.db.select().from(moderationQueue).where(and(eq(moderationQueue.targetId, id), eq(moderationQueue.kind, 'mentorship')));
		expect(kept.map((k) => [k.status, k.spaceId])).toEqual([
			['blocked', spaceId],
			['blocked', spaceId],
			['blocked', spaceId]
		]);
		// Ordinary words pass.
		expect((await post(minor, `${base}/goals`, { text: 'finish my portfolio' })).status).toBe(201);
	});

	it('a person’s matching data is in their download; deleting the account removes it and ends a mentorship under way', async () => {
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		const { id } = await activePair(url, mentee, mentor);
		await post(mentee, `/api/v1/mentorships/${id}/goals`, { text: 'learn perspective' });
		const data = (await api(url, '/api/v1/me/export', { token: mentee.token })).body;
		expect(data.matchingProfile.availability.length).toBeGreaterThan(0);
		expect(data.mentorships).toEqual([expect.objectContaining({ id, as: 'mentee', status: 'active' })]);
		expect(data.mentorshipGoalsWritten).toEqual([expect.objectContaining({ mentorshipId: id, text: 'learn perspective' })]);

		const deleted = await api(url, '/api/v1/me/deletion', { token: mentee.token, body: { password: mentee.password } });
		expect(deleted.status, deleted.text).toBe(200);
		const ended = await api(url, `/api/v1/mentorships/${id}`, { token: mentor.token });
		expect(ended.body).toMatchObject({ status: 'ended', endedReason: 'program' });
		expect((await api(url, `/api/v1/mentorships/${id}`, { token: moderator.token })).body.endedReason).toBe('account_deleted');
		expect((await api(url, '/api/v1/matching/profile', { token: mentor.token })).status).toBe(200);
		expect(Number((await server.db.select({ n: count() }).from(matchingProfiles).where(eq(matchingProfiles.userId, mentee.id)))[0]!.n)).toBe(0);
	});

	it('the mentor and the mentee saying yes at the same moment make one active mentorship with one space', async () => {
		const mentor = await newMentor(url, { profile: { capacity: 10 } });
		const mentee = await newMentee(url);
		const run = await post(admin, '/api/v1/matching/rounds', {});
		const adjusted = await api(url, `/api/v1/matching/rounds/${run.body.id}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: mentee.id, mentorId: mentor.id }] } });
		expect(adjusted.status, adjusted.text).toBe(200);
		const published = await post(admin, `/api/v1/matching/rounds/${run.body.id}/publish`);
		const id = published.body.proposals.find((p: { mentee: { id: string } }) => p.mentee.id === mentee.id).mentorshipId as string;
		const answers = await Promise.all([post(mentor, `/api/v1/mentorships/${id}/accept`), post(mentee, `/api/v1/mentorships/${id}/accept`)]);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		const [row] = await server.db.select().from(mentorships).where(eq(mentorships.id, id));
		expect(row!.status).toBe('active');
		const pairSpaces = await server.db.select({ id: spaces.id }).from(spaces).where(and(eq(spaces.createdBy, mentor.id), eq(spaces.kind, 'pair')));
		expect(pairSpaces.map((p) => p.id)).toEqual([row!.spaceId]);
	});

	it('staff ending a mentorship over a report lock the pair’s space at once: a send in it is refused as locked', async () => {
		const mentor = await newMentor(url, { profile: { capacity: 10 } });
		const mentee = await newMentee(url);
		const { id, spaceId } = await activePair(url, mentee, mentor);
		const socket = await sockets.connect(url, { token: mentor.token });
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const before = await request(socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'hello' });
		expect(before.ok, JSON.stringify(before)).toBe(true);

		const ended = await post(moderator, `/api/v1/mentorships/${id}/end`, { reason: 'report' });
		expect(ended.status, ended.text).toBe(200);
		const sent = await request(socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'still here?' });
		expect(sent.ok ? 'ok' : sent.error.code).toBe('space_locked');
		const [space] = await server.db.select({ lockedAt: spaces.lockedAt, lockedBy: spaces.lockedBy }).from(spaces).where(eq(spaces.id, spaceId));
		expect(space!.lockedAt).not.toBeNull();
		expect(space!.lockedBy).toBe(moderator.id);
		const [entry] = await server.db.select({ detail: auditLog.detail }).from(auditLog).where(and(eq(auditLog.targetId, spaceId), eq(auditLog.action, 'space.lock')));
		expect(JSON.parse(entry!.detail!)).toEqual({ reason: 'mentorship_ended:report' });

		// Ended for another reason, the space stays as it was.
		const other = await activePair(url, await newMentee(url), mentor);
		expect((await post(moderator, `/api/v1/mentorships/${other.id}/end`, { reason: 'inactive' })).status).toBe(200);
		expect((await server.db.select({ lockedAt: spaces.lockedAt }).from(spaces).where(eq(spaces.id, other.spaceId)))[0]!.lockedAt).toBeNull();
	});

	it('the mentor is not shown what the mentee asked of a mentor’s gender; the mentee and staff are', async () => {
		const mentor = await newMentor(url, { overrides: { gender: 'male' }, profile: { capacity: 10 } });
		const mentee = await newMentee(url, { profile: { preferredMentorGender: 'female' } });
		const asked = await post(mentee, '/api/v1/mentorships', { mentorId: mentor.id });
		expect(asked.status, asked.text).toBe(201);
		const gender = (view: { explanation: { kind: string }[] }) => view.explanation.filter((p) => p.kind === 'gender_preference');
		expect(gender(asked.body)).toHaveLength(1);
		expect(asked.body.reasons).toContain('Mentor gender not as asked');
		expect(asked.body.score).toHaveProperty('genderPreference', 0);
		const staff = await api(url, `/api/v1/mentorships/${asked.body.id}`, { token: moderator.token });
		expect(staff.body.score).toHaveProperty('genderPreference', 0);

		const seen = [(await api(url, `/api/v1/mentorships/${asked.body.id}`, { token: mentor.token })).body, (await api(url, '/api/v1/mentorships', { token: mentor.token })).body.mentorships.find((m: { id: string }) => m.id === asked.body.id)];
		for (const view of seen) {
			expect(gender(view)).toEqual([]);
			expect(view.reasons).not.toContain('Mentor gender not as asked');
			expect(view.score).not.toHaveProperty('genderPreference');
			expect(view.score.total).toBe(asked.body.score.total);
		}
	});

	it('a yes that would pair a mentee who is a minor under the policy now with an unvetted mentor is refused, and the proposal stays', async () => {
		const mentor = await newMentor(url, { profile: { capacity: 10 } });
		// 19: an adult when asking, a minor once the policy says 21.
		const mentee = await newMentee(url, { overrides: { birthDate: yearsAgo(19) } });
		const asked = await post(mentee, '/api/v1/mentorships', { mentorId: mentor.id });
		expect(asked.status, asked.text).toBe(201);
		expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { minorAge: 21 } })).status).toBe(200);
		try {
			const yes = await post(mentor, `/api/v1/mentorships/${asked.body.id}/accept`);
			expect(yes.status, yes.text).toBe(409);
			expect(yes.body.error.code).toBe('matching_minor_needs_vetted_mentor');
			const [row] = await server.db.select().from(mentorships).where(eq(mentorships.id, asked.body.id));
			expect(row).toMatchObject({ status: 'proposed', mentorAcceptedAt: null, spaceId: null });
		} finally {
			expect((await api(url, '/api/v1/admin/policy', { method: 'PUT', token: admin.token, body: { minorAge: 18 } })).status).toBe(200);
		}
		const yes = await post(mentor, `/api/v1/mentorships/${asked.body.id}/accept`);
		expect(yes.body.status).toBe('active');
	});
});
