/**
 * The matching engine: pure functions from people and settings to proposals. See score.ts for the constraints and
 * the score, assign.ts for the exact assignment, balance.ts for the balance rule, overlap.ts for availability.
 */
import { assignBalanced, genderGroups } from './balance';
import { prepareCohort, resultOf } from './engine';
import { greedyAssign } from './greedy';
import { createPairEvaluator } from './score';
import { checkSettings } from './settings';
import type { MatchingResult, MatchingSettings, Mentee, Mentor, Proposal } from './types';

export { DEFAULT_SETTINGS, DEFAULT_WEIGHTS } from './settings';
export { GOALS, goalLabel } from './goals';
export { explain, explanationText } from './explain';
export { eligibility } from './score';

/**
 * The exact assignment of a whole cohort: as many mentees matched as the constraints allow, then the highest
 * total score, then the balance rule if the settings ask for one. Deterministic: the same people and settings, in
 * any order, give the same result.
 */
export function match(mentees: readonly Mentee[], mentors: readonly Mentor[], settings: MatchingSettings): MatchingResult {
	const prepared = prepareCohort(mentees, mentors, settings);
	const { mentorOf } = assignBalanced(prepared.candidates, settings.balance?.maxShareByMentorGender ?? null);
	return resultOf(prepared, mentorOf);
}

/** The baseline: mentees in the order given each take their best remaining mentor (for comparison only). */
export function greedyMatch(mentees: readonly Mentee[], mentors: readonly Mentor[], settings: MatchingSettings): MatchingResult {
	const prepared = prepareCohort(mentees, mentors, settings, { keepOrder: true });
	const share = settings.balance?.maxShareByMentorGender;
	const balance = share === undefined || share >= 1 ? null : { of: genderGroups(prepared.candidates.mentors.map((b) => b.person)).of, maxShare: share };
	return resultOf(prepared, greedyAssign(prepared.candidates, balance));
}

/** For a mentee choosing for themselves: every eligible mentor with room, best first (ties by mentor id), with score and explanation. */
export function rankMentors(mentee: Mentee, mentors: readonly Mentor[], settings: MatchingSettings): Proposal[] {
	checkSettings(settings);
	const evaluator = createPairEvaluator(settings);
	const a = evaluator.compileMentee(mentee);
	const skipped = new Set((settings.skipPairs ?? []).filter((s) => s.menteeId === mentee.id).map((s) => s.mentorId));
	const out: Proposal[] = [];
	for (const mentor of mentors) {
		if (skipped.has(mentor.id)) continue;
		const details = evaluator.details(a, evaluator.compileMentor(mentor));
		if (details) out.push({ menteeId: mentee.id, mentorId: mentor.id, ...details });
	}
	return out.sort((x, y) => y.score.total - x.score.total || (x.mentorId < y.mentorId ? -1 : x.mentorId > y.mentorId ? 1 : 0));
}
