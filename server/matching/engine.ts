/**
 * The steps of a matching run, each usable alone (the benchmark times them): prepare the cohort (check, order by
 * id, score every pair), assign, and turn an assignment into proposals with explanations and reasons for those
 * left unmatched.
 */
import { findCandidates, type Candidates } from './candidates';
import { checkSettings } from './settings';
import { createPairEvaluator, PAIR_CONSTRAINTS, POINTS, type PairEvaluator } from './score';
import type { ConstraintCode, MatchingResult, MatchingSettings, Mentee, Mentor, Proposal, Unmatched } from './types';

export interface PreparedCohort {
	settings: MatchingSettings;
	evaluator: PairEvaluator;
	candidates: Candidates;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function unique(people: readonly { id: string }[], what: string): void {
	const seen = new Set<string>();
	for (const p of people) {
		if (seen.has(p.id)) throw new RangeError(`${what} ${p.id} appears twice`);
		seen.add(p.id);
	}
}

/**
 * Checks the input and scores every pair. People are ordered by id (so the result does not depend on the order
 * they came in) unless `keepOrder`, which the greedy baseline uses to take mentees in the order given.
 */
export function prepareCohort(mentees: readonly Mentee[], mentors: readonly Mentor[], settings: MatchingSettings, { keepOrder = false } = {}): PreparedCohort {
	checkSettings(settings);
	unique(mentees, 'mentee');
	unique(mentors, 'mentor');
	const evaluator = createPairEvaluator(settings);
	const sortedMentees = keepOrder ? [...mentees] : [...mentees].sort(byId);
	const sortedMentors = keepOrder ? [...mentors] : [...mentors].sort(byId);
	const menteeIndex = new Map(sortedMentees.map((p, i) => [p.id, i]));
	const mentorIndex = new Map(sortedMentors.map((p, j) => [p.id, j]));
	const skip = new Map<number, Set<number>>();
	for (const s of settings.skipPairs ?? []) {
		const i = menteeIndex.get(s.menteeId);
		const j = mentorIndex.get(s.mentorId);
		if (i === undefined || j === undefined) continue;
		const set = skip.get(i) ?? new Set();
		set.add(j);
		skip.set(i, set);
	}
	const candidates = findCandidates({
		evaluator,
		mentees: sortedMentees.map((p) => evaluator.compileMentee(p)),
		mentors: sortedMentors.map((p) => evaluator.compileMentor(p)),
		skip
	});
	return { settings, evaluator, candidates };
}

/** Proposals (with scores and explanations), the unmatched with their reasons, and the total score. */
export function resultOf({ evaluator, candidates: c }: PreparedCohort, mentorOf: Int32Array): MatchingResult {
	const load = new Int32Array(c.mentors.length);
	for (const j of mentorOf) if (j >= 0) load[j]!++;
	const proposals: Proposal[] = [];
	const unmatched: Unmatched[] = [];
	let points = 0;
	for (let i = 0; i < c.mentees.length; i++) {
		const a = c.mentees[i]!;
		const j = mentorOf[i]!;
		if (j >= 0) {
			const b = c.mentors[j]!;
			const details = evaluator.details(a, b);
			if (!details) throw new Error(`assigned pair ${a.person.id} – ${b.person.id} is not eligible`);
			points += Math.round(details.score.total * POINTS);
			proposals.push({ menteeId: a.person.id, mentorId: b.person.id, ...details });
			continue;
		}
		const ruledOut: Partial<Record<ConstraintCode, number>> = {};
		PAIR_CONSTRAINTS.forEach((code, k) => {
			const n = c.ruledOut[i * PAIR_CONSTRAINTS.length + k]!;
			if (n > 0) ruledOut[code] = n;
		});
		let reason: ConstraintCode = 'no_eligible_mentor';
		if (c.start[i + 1]! > c.start[i]!) {
			reason = 'mentors_full';
			// A mentor who fits and still has room: only the balance rule can have kept them apart.
			for (let p = c.start[i]!; p < c.start[i + 1]!; p++) if (load[c.mentor[p]!]! < c.mentors[c.mentor[p]!]!.person.capacity) reason = 'balance';
		}
		unmatched.push({ menteeId: a.person.id, reason, ruledOut });
	}
	proposals.sort((x, y) => byId({ id: x.menteeId }, { id: y.menteeId }));
	unmatched.sort((x, y) => byId({ id: x.menteeId }, { id: y.menteeId }));
	return { proposals, unmatched, totalScore: points / POINTS };
}
