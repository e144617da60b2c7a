import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import en from '../../messages/en.json';
import { auditLog, matchingRounds, mentorships, outbox, spaceMembers } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { guardianDecision, newChildMentee, newMentee, newMentor, newMinorMentee } from '../helpers/matching';
import { setRole } from '../helpers/moderation';
import { guardianLinkToken, newStaff } from '../helpers/safeguarding';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();

interface Proposal {
	mentorshipId: string;
	status: string;
	source: string;
	mentee: { id: string; minor: boolean };
	mentor: { id: string; vettedForMinors: boolean };
	score: { total: number } | null;
	explanation: unknown[];
	reasons: string[];
}

/**
 * Acceptance (issue 6): an admin runs a round over the JSON API, reviews it, adjusts it by hand, publishes it; both
 * sides accept, a child's guardian approves through their link, and the pair's space exists.
 */
describe.each(drivers)('a matching round from run to the pair’s space (%s)', (driver) => {
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

	const proposalOf = (round: { proposals: Proposal[] }, menteeId: string) => round.proposals.find((p) => p.mentee.id === menteeId);
	const membersOf = async (spaceId: string) =>
		Object.fromEntries((await server.db.select().from(spaceMembers).where(eq(spaceMembers.spaceId, spaceId))).map((m) => [m.userId, m.role]));

	it('run, review, adjust, publish; the mentor and the mentee accept; the child waits for the guardian, then has a supervised space', async () => {
		const vettedMentor = await newMentor(url, { overrides: { displayName: 'Vera Vetted' }, vettedBy: admin });
		const plainMentor = await newMentor(url, { overrides: { displayName: 'Paul Plain' } });
		const { child, guardianEmail, firstLink } = await newChildMentee(url, admin, { overrides: { displayName: 'Chloe' } });
		const adult = await newMentee(url, { overrides: { displayName: 'Adam' } });
		// Speaks only Basque, which no mentor does, and translation is off: no one to talk to.
		const stranded = await newMentee(url, { overrides: { displayName: 'Sabin', languages: [{ tag: 'eu', level: 'native' }], readingLanguage: 'eu' } });

		// Mentees cannot run rounds; bad settings change nothing.
		expect((await api(url, '/api/v1/matching/rounds', { token: adult.token, body: {} })).status).toBe(403);
		const bad = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: { settings: { horizonWeeks: 99, weights: { passions: -1 } } } });
		expect(bad.status).toBe(400);
		expect(bad.body.error.code).toBe('invalid_input');
		expect(Number((await server.db.select({ n: count() }).from(matchingRounds))[0]!.n)).toBe(0);

		// Run.
		const run = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: { settings: { horizonWeeks: 2 } } });
		expect(run.status, run.text).toBe(201);
		const roundId = run.body.id as string;
		expect(run.body.status).toBe('draft');
		expect(run.body.settings.horizonWeeks).toBe(2);
		expect(run.body.settings.weights).toEqual(expect.objectContaining({ passions: expect.any(Number), language: expect.any(Number) }));

		// Review: scores, explanations, the unmatched and why.
		const review = await api(url, `/api/v1/matching/rounds/${roundId}`, { token: admin.token });
		expect(review.status).toBe(200);
		const childProposal = proposalOf(review.body, child.id)!;
		expect(childProposal, 'the child is proposed').toBeDefined();
		expect(childProposal.mentee.minor).toBe(true);
		// A minor only ever gets a vetted mentor.
		expect(childProposal.mentor.id).toBe(vettedMentor.id);
		expect(childProposal.mentor.vettedForMinors).toBe(true);
		for (const p of review.body.proposals as Proposal[]) {
			expect(p.status).toBe('draft');
			expect(typeof p.score!.total).toBe('number');
			expect(p.explanation.length).toBeGreaterThan(0);
			expect(p.reasons.every((r) => typeof r === 'string' && r.length > 0)).toBe(true);
		}
		expect(proposalOf(review.body, adult.id), 'the adult is proposed').toBeDefined();
		const unmatched = (review.body.unmatched as { mentee: { id: string }; reason: string; ruledOut: Record<string, number>; message: string }[]).find((u) => u.mentee.id === stranded.id);
		expect(unmatched, 'the Basque speaker is unmatched').toBeDefined();
		// Nobody speaks Basque and the translator (none here) cannot bridge it: every mentor is ruled out by language.
		expect(unmatched!.reason).toBe('no_eligible_mentor');
		expect(unmatched!.message).toBe(en.matching_unmatched_no_eligible_mentor);
		expect(unmatched!.ruledOut.no_common_language).toBeGreaterThan(0);

		// A hand-made pair that breaks a hard constraint is refused, and nothing changes.
		const before = (await api(url, `/api/v1/matching/rounds/${roundId}`, { token: admin.token })).body;
		const illegal = await api(url, `/api/v1/matching/rounds/${roundId}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: child.id, mentorId: plainMentor.id }] } });
		expect(illegal.status).toBe(409);
		expect(illegal.body.error.code).toBe('matching_minor_needs_vetted_mentor');
		expect(illegal.body.error.message).toMatch(/vetted/);
		const badChange = await api(url, `/api/v1/matching/rounds/${roundId}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: 'nope', mentorId: null }] } });
		expect(badChange.status).toBe(400);
		expect((await api(url, `/api/v1/matching/rounds/${roundId}`, { token: admin.token })).body).toEqual(before);

		// A legal one: the adult gets the plain mentor by hand.
		const adjusted = await api(url, `/api/v1/matching/rounds/${roundId}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: adult.id, mentorId: plainMentor.id }] } });
		expect(adjusted.status, adjusted.text).toBe(200);
		expect(proposalOf(adjusted.body, adult.id)).toMatchObject({ source: 'manual', mentor: { id: plainMentor.id } });
		expect(proposalOf(adjusted.body, child.id)!.mentor.id).toBe(vettedMentor.id);

		// Publish: proposals go out, the child's guardian is asked with a fresh standing link.
		const published = await api(url, `/api/v1/matching/rounds/${roundId}/publish`, { method: 'POST', token: admin.token });
		expect(published.status, published.text).toBe(200);
		expect(published.body.status).toBe('published');
		expect(proposalOf(published.body, child.id)!.status).toBe('proposed');
		expect((await api(url, `/api/v1/matching/rounds/${roundId}/publish`, { method: 'POST', token: admin.token })).body.error.code).toBe('matching_round_closed');
		const mail = await server.db.select().from(outbox).where(and(eq(outbox.toAddress, guardianEmail), eq(outbox.kind, 'matching_guardian_approval')));
		expect(mail).toHaveLength(1);
		expect(mail[0]!.body).toContain('Vera Vetted');
		const link = await guardianLinkToken(url, admin, guardianEmail);
		expect(link).not.toBe(firstLink);

		const childShip = proposalOf(published.body, child.id)!.mentorshipId;
		const adultShip = proposalOf(published.body, adult.id)!.mentorshipId;

		// The adult pair: the mentor, then the mentee, accepts; the space exists with both and no supervisor.
		const mentorYes = await api(url, `/api/v1/mentorships/${adultShip}/accept`, { method: 'POST', token: plainMentor.token });
		expect(mentorYes.status, mentorYes.text).toBe(200);
		expect(mentorYes.body).toMatchObject({ status: 'proposed', waitingFor: ['mentee'], spaceId: null });
		const menteeYes = await api(url, `/api/v1/mentorships/${adultShip}/accept`, { method: 'POST', token: adult.token });
		expect(menteeYes.body).toMatchObject({ status: 'active', waitingFor: [] });
		expect(await membersOf(menteeYes.body.spaceId)).toEqual({ [plainMentor.id]: 'owner', [adult.id]: 'member' });
		expect((await api(url, `/api/v1/spaces/${menteeYes.body.spaceId}`, { token: adult.token })).body.kind).toBe('pair');

		// The child's pair: both say yes, and it waits for the guardian.
		expect((await api(url, `/api/v1/mentorships/${childShip}/accept`, { method: 'POST', token: vettedMentor.token })).status).toBe(200);
		const childYes = await api(url, `/api/v1/mentorships/${childShip}/accept`, { method: 'POST', token: child.token });
		expect(childYes.body).toMatchObject({ status: 'proposed', waitingFor: ['guardian'], guardianRequired: true, spaceId: null });

		// The guardian's page lists the proposal with the mentor's name and why; an unknown id is not found.
		const page = await api(url, `/guardian/${link}`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		expect(page.text).toContain('Vera Vetted');
		expect(await guardianDecision(url, link, 'approveMatch', adultShip)).toMatchObject({ type: 'failure', status: 404 });
		expect(await guardianDecision(url, firstLink, 'approveMatch', childShip)).toMatchObject({ type: 'failure', status: 410 });

		const approved = await guardianDecision(url, link, 'approveMatch', childShip);
		expect(approved).toMatchObject({ type: 'success' });
		const active = await api(url, `/api/v1/mentorships/${childShip}`, { token: child.token });
		expect(active.body).toMatchObject({ status: 'active', waitingFor: [] });
		expect(await membersOf(active.body.spaceId)).toEqual({ [vettedMentor.id]: 'owner', [child.id]: 'member', [moderator.id]: 'supervisor' });
		expect(await server.app.safeguarding.unsupervised(active.body.spaceId)).toBe(false);
		expect(await guardianDecision(url, link, 'approveMatch', childShip)).toMatchObject({ type: 'failure', status: 409 });

		// Every step is in the audit log.
		const actions = (await server.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, childShip))).map((a) => a.action);
		expect(actions).toEqual(expect.arrayContaining(['mentorship.propose', 'mentorship.accept', 'mentorship.guardian_approve', 'mentorship.activate']));
		expect((await server.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, roundId))).map((a) => a.action)).toEqual(
			expect.arrayContaining(['matching.round.run', 'matching.round.adjust', 'matching.round.publish'])
		);
	});

	it('a guardian who declines ends the proposal; the pair is left out of the next round', async () => {
		await newMentor(url, { vettedBy: admin, profile: { capacity: 10 } });
		const { child, guardianEmail } = await newChildMentee(url, admin);
		const run = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		const proposal = proposalOf(run.body, child.id)!;
		const mentor = proposal.mentor;
		await api(url, `/api/v1/matching/rounds/${run.body.id}/publish`, { method: 'POST', token: admin.token });
		const link = await guardianLinkToken(url, admin, guardianEmail);
		expect(await guardianDecision(url, link, 'declineMatch', proposal.mentorshipId)).toMatchObject({ type: 'success' });
		const ended = await api(url, `/api/v1/mentorships/${proposal.mentorshipId}`, { token: child.token });
		expect(ended.body).toMatchObject({ status: 'ended', endedReason: 'guardian_declined', spaceId: null });
		// Declined recently: not proposed again (another vetted mentor with room may be).
		const again = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		expect(proposalOf(again.body, child.id)?.mentor.id).not.toBe(mentor.id);
		// Nor by an admin's hand.
		const byHand = await api(url, `/api/v1/matching/rounds/${again.body.id}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: child.id, mentorId: mentor.id }] } });
		expect(byHand.status).toBe(409);
		expect(byHand.body.error.code).toBe('matching_pair_not_allowed');
		await api(url, `/api/v1/matching/rounds/${again.body.id}`, { method: 'DELETE', token: admin.token });
	});

	it('with no moderator to supervise, a minor’s pair space is still created, unsupervised: nobody writes there until one joins', async () => {
		await setRole(url, admin, moderator, 'mentor');
		try {
			const mentor = await newMentor(url, { vettedBy: admin, profile: { capacity: 10 } });
			const minor = await newMinorMentee(url);
			const asked = await api(url, '/api/v1/mentorships', { token: minor.token, body: { mentorId: mentor.id } });
			expect(asked.status, asked.text).toBe(201);
			const active = await api(url, `/api/v1/mentorships/${asked.body.id}/accept`, { method: 'POST', token: mentor.token });
			expect(active.body.status).toBe('active');
			expect(await membersOf(active.body.spaceId)).toEqual({ [mentor.id]: 'owner', [minor.id]: 'member' });
			expect(await server.app.safeguarding.unsupervised(active.body.spaceId)).toBe(true);
			const socket = await sockets.connect(url, { token: mentor.token });
			expect(await request(socket, 'space:join', { spaceId: active.body.spaceId })).toMatchObject({ ok: true });
			const sent = await request(socket, 'chat:send', { spaceId: active.body.spaceId, clientId: randomUUID(), text: 'hello' });
			expect(sent.ok ? 'ok' : sent.error.code).toBe('supervisor_required');
			const detail = (await server.db.select({ detail: auditLog.detail }).from(auditLog).where(and(eq(auditLog.targetId, asked.body.id), eq(auditLog.action, 'mentorship.activate'))))[0]!;
			expect(JSON.parse(detail.detail!)).toMatchObject({ unsupervised: true, supervisorId: null });
		} finally {
			await setRole(url, admin, moderator, 'moderator');
		}
	});

	it('stored drafts are never shown to the pair', async () => {
		const mentor = await newMentor(url, { profile: { capacity: 10 } });
		const mentee = await newMentee(url);
		const run = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		const draft = proposalOf(run.body, mentee.id);
		expect(draft).toBeDefined();
		expect((await api(url, `/api/v1/mentorships/${draft!.mentorshipId}`, { token: mentee.token })).status).toBe(404);
		expect((await api(url, '/api/v1/mentorships', { token: mentor.token })).body.mentorships.map((m: { id: string }) => m.id)).not.toContain(draft!.mentorshipId);
		const discarded = await api(url, `/api/v1/matching/rounds/${run.body.id}`, { method: 'DELETE', token: admin.token });
		expect(discarded.status).toBe(204);
		const [row] = await server.db.select({ status: mentorships.status }).from(mentorships).where(eq(mentorships.id, draft!.mentorshipId));
		expect(row!.status).toBe('draft');
	});

	/** Speaking only `tag` (and nobody else in the file does): a round can pair them with each other only. */
	const only = (tag: string) => ({ languages: [{ tag, level: 'native' }], readingLanguage: tag });
	/** Runs a round and takes away every proposal but those of `menteeIds`, so publishing it touches nobody else. */
	async function roundOf(menteeIds: string[]): Promise<{ id: string; proposals: Proposal[] }> {
		const run = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: {} });
		expect(run.status, run.text).toBe(201);
		const others = (run.body.proposals as Proposal[]).filter((p) => !menteeIds.includes(p.mentee.id)).map((p) => ({ menteeId: p.mentee.id, mentorId: null }));
		if (others.length === 0) return run.body;
		const adjusted = await api(url, `/api/v1/matching/rounds/${run.body.id}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: others } });
		expect(adjusted.status, adjusted.text).toBe(200);
		return adjusted.body;
	}
	const publish = (roundId: string) => api(url, `/api/v1/matching/rounds/${roundId}/publish`, { method: 'POST', token: admin.token });
	const liveOf = async (menteeId: string) =>
		(await server.db.select({ status: mentorships.status }).from(mentorships).where(eq(mentorships.menteeId, menteeId))).filter((r) => r.status === 'proposed' || r.status === 'active').length;

	it('an old draft of a pair since ended over a report is not proposed by publishing it', async () => {
		const mentor = await newMentor(url, { overrides: only('cy'), profile: { capacity: 10 } });
		const mentee = await newMentee(url, { overrides: only('cy') });
		const round = await roundOf([mentee.id]);
		expect(proposalOf(round, mentee.id)?.mentor.id).toBe(mentor.id);
		const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect(asked.status, asked.text).toBe(201);
		expect((await api(url, `/api/v1/mentorships/${asked.body.id}/end`, { token: moderator.token, body: { reason: 'report' } })).status).toBe(200);

		const published = await publish(round.id);
		expect(published.status, published.text).toBe(200);
		expect(proposalOf(published.body, mentee.id)).toBeUndefined();
		expect(published.body.unmatched).toContainEqual(expect.objectContaining({ mentee: expect.objectContaining({ id: mentee.id }), reason: 'no_longer_available' }));
		expect(await liveOf(mentee.id)).toBe(0);
	});

	it('a stale draft pairing a minor with a mentor whose vetting was withdrawn since is not proposed', async () => {
		const mentor = await newMentor(url, { overrides: only('mt'), vettedBy: admin, profile: { capacity: 10 } });
		const minor = await newMinorMentee(url, { overrides: only('mt') });
		const round = await roundOf([minor.id]);
		expect(proposalOf(round, minor.id)?.mentor.id).toBe(mentor.id);
		expect((await api(url, `/api/v1/admin/users/${mentor.id}/vetting`, { method: 'PUT', token: admin.token, body: { vetted: false } })).status).toBe(200);

		const published = await publish(round.id);
		expect(published.status, published.text).toBe(200);
		expect(proposalOf(published.body, minor.id)).toBeUndefined();
		expect(published.body.unmatched).toContainEqual(expect.objectContaining({ mentee: expect.objectContaining({ id: minor.id }), reason: 'no_longer_available' }));
		expect(await liveOf(minor.id)).toBe(0);
	});

	it('an admin’s hand cannot pair again a pair declined lately', async () => {
		const mentor = await newMentor(url, { overrides: only('ga'), profile: { capacity: 10 } });
		const mentee = await newMentee(url, { overrides: only('ga') });
		const asked = await api(url, '/api/v1/mentorships', { token: mentee.token, body: { mentorId: mentor.id } });
		expect((await api(url, `/api/v1/mentorships/${asked.body.id}/decline`, { method: 'POST', token: mentor.token })).status).toBe(200);
		const round = await roundOf([mentee.id]);
		expect(proposalOf(round, mentee.id)).toBeUndefined();
		const byHand = await api(url, `/api/v1/matching/rounds/${round.id}/proposals`, { method: 'PATCH', token: admin.token, body: { changes: [{ menteeId: mentee.id, mentorId: mentor.id }] } });
		expect(byHand.status).toBe(409);
		expect(byHand.body.error.code).toBe('matching_pair_not_allowed');
		expect((await api(url, `/api/v1/matching/rounds/${round.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
	});

	it('a round’s weeks start within a month back and a year ahead; other dates are refused, not a server error', async () => {
		const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
		for (const horizonStart of ['0050-01-04', '9999-12-27', day(-40), day(400)]) {
			const res = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: { settings: { horizonStart } } });
			expect(res.status, horizonStart).toBe(400);
			expect(res.body.error.code).toBe('invalid_input');
		}
		const ok = await api(url, '/api/v1/matching/rounds', { token: admin.token, body: { settings: { horizonStart: day(7) } } });
		expect(ok.status, ok.text).toBe(201);
		expect((await api(url, `/api/v1/matching/rounds/${ok.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
	});
});

