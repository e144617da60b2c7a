import { readFileSync } from 'node:fs';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { auditLog, matchingProfiles, mentorships, spaceMembers } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { activePair, newMentee, newMentor, newMinorMentee } from '../helpers/matching';
import { newStaff } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;

interface Ranked {
	mentor: { id: string; displayName: string };
	score: { total: number };
	reasons: string[];
}

describe.each(drivers)('self-match, vetting and pairs ended by a report (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
	let moderator: TestUser;

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none' } });
		url = server.url;
		admin = await newUser(url);
		moderator = await newStaff(url, admin);
	});
	afterAll(() => server?.close());

	const ranked = async (who: TestUser) => {
		const res = await api(url, '/api/v1/matching/mentors', { token: who.token });
		expect(res.status, res.text).toBe(200);
		return res.body as { mentors: Ranked[]; canRequest: boolean };
	};
	const mentorshipsOf = async (menteeId: string) => Number((await server.db.select({ n: count() }).from(mentorships).where(eq(mentorships.menteeId, menteeId)))[0]!.n);

	it('a mentee sees eligible mentors best first, with why, asks for one, and the mentor’s yes makes the pair active', async () => {
		const mentor = await newMentor(url, { overrides: { displayName: 'Rosa Ruiz' } });
		const mentee = await newMentee(url);
		const list = await ranked(mentee);
		expect(list.canRequest).toBe(true);
		const rosa = list.mentors.find((m) => m.mentor.id === mentor.id);
		expect(rosa, 'the mentor is listed').toBeDefined();
		expect(rosa!.reasons.length).toBeGreaterThan(0);
		const totals = list.mentors.map((m) => m.score.total);
		expect(totals).toEqual([...totals].sort((a, b) => b - a));

		// Only mentees rank mentors.
		expect((await api(url, '/api/v1/matching/mentors', { token: mentor.token })).status).toBe(403);
		expect((await api(url, '/api/v1/matching/mentors', { token: moderator.token })).status).toBe(403);
		expect((await api(url, '/api/v1/mentorships', { token: mentor.token, body: { mentorId: mentor.id } })).status).toBe(403);

		const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect(asked.status, asked.text).toBe(201);
		expect(asked.body).toMatchObject({ status: 'proposed', source: 'request', myPart: 'mentee', waitingFor: ['mentor'], guardianRequired: false });
		expect(asked.body.menteeAcceptedAt).not.toBeNull();
		const again = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('matching_already_matched');
		expect((await ranked(mentee)).canRequest).toBe(false);

		const mine = await api(url, '/api/v1/mentorships', { token: mentor.token });
		expect(mine.body.mentorships).toEqual([expect.objectContaining({ id: asked.body.id, myPart: 'mentor', status: 'proposed' })]);
		const yes = await api(url, `/api/v1/mentorships/${asked.body.id}/accept`, { method: 'POST', token: mentor.token });
		expect(yes.body).toMatchObject({ status: 'active', waitingFor: [] });
		const members = await server.db.select().from(spaceMembers).where(eq(spaceMembers.spaceId, yes.body.spaceId));
		expect(members.map((m) => [m.userId, m.role]).sort()).toEqual([[mentor.id, 'owner'], [mentee.id, 'member']].sort());
	});

	it('a minor is shown vetted mentors only, and asking for another is refused with nothing stored', async () => {
		const plain = await newMentor(url);
		const vetted = await newMentor(url, { vettedBy: admin });
		const minor = await newMinorMentee(url);
		const ids = (await ranked(minor)).mentors.map((m) => m.mentor.id);
		expect(ids).toContain(vetted.id);
		expect(ids).not.toContain(plain.id);
		const refused = await api(url, '/api/v1/mentorships', { token: minor.token, body: { mentorId: plain.id } });
		expect(refused.status).toBe(409);
		expect(refused.body.error.code).toBe('matching_minor_needs_vetted_mentor');
		expect(await mentorshipsOf(minor.id)).toBe(0);
		// A 17-year-old decides for themselves: no guardian to wait for.
		const asked = await api(url, '/api/v1/mentorships', { token: minor.token, body: { mentorId: vetted.id } });
		expect(asked.body).toMatchObject({ status: 'proposed', guardianRequired: false });
	});

	it('a pair ended because of a report is never proposed again: not by a round, not by hand, not by self-match', async () => {
		// They share Basque and nobody else does: without the rule, this mentor would be the mentee's only match.
		const basque = { languages: [{ tag: 'eu', level: 'native' }], readingLanguage: 'eu' };
		const mentor = await newMentor(url, { overrides: { ...basque, displayName: 'Iker' }, profile: { capacity: 10 } });
		const mentee = await newMentee(url, { overrides: { ...basque, displayName: 'Ane' } });
		const { id } = await activePair(url, mentee, mentor);

		expect((await api(url, `/api/v1/mentorships/${id}/end`, { token: mentee.token, body: { reason: 'report' } })).status).toBe(403);
		const ended = await api(url, `/api/v1/mentorships/${id}/end`, { token: moderator.token, body: { reason: 'report', note: 'see report' } });
		expect(ended.status, ended.text).toBe(200);
		expect(ended.body).toMatchObject({ status: 'ended', endedReason: 'report' });
		// The pair is not told a report was the reason.
		expect((await api(url, `/api/v1/mentorships/${id}`, { token: mentor.token })).body.endedReason).toBe('program');

		const round = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		expect(round.status).toBe(201);
		expect(round.body.proposals.some((p: { mentee: { id: string }; mentor: { id: string } }) => p.mentee.id === mentee.id && p.mentor.id === mentor.id)).toBe(false);
		expect(round.body.unmatched.map((u: { mentee: { id: string } }) => u.mentee.id)).toContain(mentee.id);
		const byHand = await api(url, `/api/v1/matching/rounds/${round.body.id}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: mentee.id, mentorId: mentor.id }] } });
		expect(byHand.status).toBe(409);
		expect(byHand.body.error.code).toBe('matching_ended_by_report');
		expect((await api(url, `/api/v1/matching/rounds/${round.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);

		expect((await ranked(mentee)).mentors.map((m) => m.mentor.id)).not.toContain(mentor.id);
		const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect(asked.status).toBe(409);
		expect(asked.body.error.code).toBe('matching_pair_not_allowed');
		expect(await mentorshipsOf(mentee.id)).toBe(1);
	});

	it('a mentee may ask at most five times a day (each may mail their guardian)', async () => {
		const mentee = await newMentee(url);
		for (let i = 0; i < 5; i++) {
			const mentor = await newMentor(url);
			const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
			expect(asked.status, asked.text).toBe(201);
			const declined = await api(url, `/api/v1/mentorships/${asked.body.id}/decline`, { method: 'POST', token: mentor.token });
			expect(declined.body).toMatchObject({ status: 'ended', endedReason: 'declined' });
		}
		const mentor = await newMentor(url);
		const sixth = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect(sixth.status).toBe(429);
		expect(sixth.body.error.code).toBe('rate_limited');
	});

	it('bad input is refused with a clear code in the reader’s language, and nothing changes', async () => {
		const mentee = await newMentee(url, { overrides: { uiLanguage: 'es' } });
		const profile = async () => (await api(url, '/api/v1/matching/profile', { token: mentee.token })).body.profile;
		const before = await profile();
		expect(before.capacity).toBeNull();
		const cases: [unknown, string, string][] = [
			[{ availability: [{ day: 9, start: 0, end: 60 }] }, 'availability', 'matching_slot_invalid'],
			[{ availability: [{ day: 1, start: 600, end: 540 }] }, 'availability', 'matching_slot_invalid'],
			[{ availability: Array.from({ length: 29 }, (_, i) => ({ day: (i % 7) + 1, start: i, end: i + 1 })) }, 'availability', 'matching_slots_too_many'],
			[{ goals: ['world_domination'] }, 'goals', 'matching_goal_invalid'],
			[{ capacity: 3 }, 'capacity', 'matching_capacity_invalid'],
			[{ crossBorder: 'maybe' }, 'crossBorder', 'invalid_value']
		];
		for (const [body, field, code] of cases) {
			const res = await api(url, '/api/v1/matching/profile', { method: 'PUT', token: mentee.token, body });
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code).toBe('invalid_input');
			expect(res.body.error.fields[field].code).toBe(code);
			expect(res.body.error.message).toBe(es.error_invalid_input);
			expect(res.body.error.fields[field].message).toBe(es[`error_${code}`]);
		}
		expect(await profile()).toEqual(before);

		const badId = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: 'someone' } });
		expect(badId.status).toBe(400);
		expect(badId.body.error.fields.mentorId.code).toBe('invalid_value');
		const notJson = await api(url, '/api/v1/mentorships', { token: mentee.token, raw: '<mentorId/>', headers: { 'content-type': 'application/xml' } });
		expect(notJson.status).toBe(415);
		expect(await mentorshipsOf(mentee.id)).toBe(0);

		// Goals from the program's list are kept; the list comes with the profile.
		const { goals } = (await api(url, '/api/v1/matching/profile', { token: mentee.token })).body as { goals: string[] };
		expect(goals.length).toBeGreaterThan(0);
		const saved = await api(url, '/api/v1/matching/profile', { method: 'PUT', token: mentee.token, body: { goals: [goals[0]], availability: [{ day: 1, start: 60, end: 120 }, { day: 1, start: 0, end: 90 }] } });
		expect(saved.body.profile).toMatchObject({ goals: [goals[0]], availability: [{ day: 1, start: 0, end: 120 }] });
	});

	it('vetting: admins only, mentors only, audited', async () => {
		const mentor = await newMentor(url);
		const mentee = await newMentee(url);
		expect((await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: moderator.token, body: { vetted: true } })).status).toBe(403);
		expect((await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: mentor.token, body: { vetted: true } })).status).toBe(403);
		const notMentor = await api(url, `/api/v1/admin/users/${mentee.id}/vetting`, { method: 'PUT', token: admin.token, body: { vetted: true } });
		expect(notMentor.status).toBe(409);
		expect(notMentor.body.error.code).toBe('matching_not_a_mentor');
		expect((await server.db.select().from(matchingProfiles).where(eq(matchingProfiles.userId, mentor.id)))[0]!.vettedForMinorsAt).toBeNull();
		const vetted = await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: admin.token, body: { vetted: true } });
		expect(vetted.body.profile.vettedForMinors).toBe(true);
		const [row] = await server.db.select().from(auditLog).where(and(eq(auditLog.targetId, mentor.id), eq(auditLog.action, 'matching.vetting.grant')));
		expect(row!.actorId).toBe(admin.id);
		// A mentor cannot vet themselves through their profile.
		const self = await api(url, '/api/v1/matching/profile', { method: 'PUT', token: mentor.token, body: { vettedForMinors: false } });
		expect(self.status).toBe(400);
	});

	it('withdrawing a mentor’s vetting ends their proposals to minors at once, audited; their yes to one is refused', async () => {
		const mentor = await newMentor(url, { vettedBy: admin, profile: { capacity: 10 } });
		const minor = await newMinorMentee(url);
		const adult = await newMentee(url);
		const toMinor = await api(url, '/api/v1/mentorships', { token: minor.token, body: { mentorId: mentor.id } });
		const toAdult = await api(url, '/api/v1/mentorships', { token: adult.token, body: { mentorId: mentor.id } });
		expect([toMinor.status, toAdult.status]).toEqual([201, 201]);

		const withdrawn = await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: admin.token, body: { vetted: false } });
		expect(withdrawn.status, withdrawn.text).toBe(200);
		expect(withdrawn.body).toMatchObject({ profile: { vettedForMinors: false }, endedProposals: [toMinor.body.id], minorsLeftActive: [] });
		const yes = await api(url, `/api/v1/mentorships/${toMinor.body.id}/accept`, { method: 'POST', token: mentor.token });
		expect(yes.status).toBe(409);
		const [row] = await server.db.select().from(mentorships).where(eq(mentorships.id, toMinor.body.id));
		expect(row).toMatchObject({ status: 'ended', endedReason: 'program', spaceId: null, mentorAcceptedAt: null });
		const actions = (await server.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, toMinor.body.id))).map((a) => a.action);
		expect(actions).toContain('mentorship.end');
		// The adult's proposal is not the vetting's business.
		expect((await api(url, `/api/v1/mentorships/${toAdult.body.id}/accept`, { method: 'POST', token: mentor.token })).body.status).toBe('active');
	});

	it('two mentees asking for a mentor’s last place at the same moment: one gets it, the other is told the mentor is full', async () => {
		const mentor = await newMentor(url, { profile: { capacity: 1 } });
		const [first, second] = await Promise.all([newMentee(url), newMentee(url)]);
		const answers = await Promise.all([first, second].map((m) => api(url, '/api/v1/mentorships', { token: m.token, body: { mentorId: mentor.id } })));
		expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
		expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('matching_capacity');
		const live = await server.db.select({ id: mentorships.id }).from(mentorships).where(eq(mentorships.mentorId, mentor.id));
		expect(live).toHaveLength(1);
	});
});

