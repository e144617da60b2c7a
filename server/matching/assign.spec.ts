import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticCohort } from '../../bench/matching/cohort';
import { bruteForceOptimum, cohort, type Cohort } from '../../tests/helpers/matching-cohort';
import { assignBalanced } from './balance';
import { prepareCohort } from './engine';
import { greedyAssign } from './greedy';
import { greedyMatch, match } from './index';
import { POINTS } from './score';
import { DEFAULT_SETTINGS } from './settings';
import type { Mentee, Mentor } from './types';

const objective = (points: Int32Array | number[], matched: number) => ({ matched, points: [...points].reduce((s, p) => s + p, 0) });

/** The engine's (matched, points) on a cohort, with the initial subset as small as it can be when `sparse`. */
function engineOptimum({ mentees, mentors, settings }: Cohort, sparse: boolean) {
	const prepared = prepareCohort(mentees, mentors, settings);
	const c = prepared.candidates;
	const options = sparse ? { perMentee: 1, perMentor: 0, perPlace: 0 } : {};
	const { mentorOf, stats } = assignBalanced(c, settings.balance?.maxShareByMentorGender ?? null, options);
	const points: number[] = [];
	for (let i = 0; i < mentorOf.length; i++) {
		if (mentorOf[i]! < 0) continue;
		const p = [...Array(c.start[i + 1]! - c.start[i]!).keys()].map((k) => c.start[i]! + k).find((q) => c.mentor[q] === mentorOf[i]);
		points.push(c.points[p!]!);
	}
	return { ...objective(points, points.length), stats };
}

describe('exact assignment', () => {
	it('reaches the brute-force optimum (most matched, then most points) on small random cohorts', () => {
		fc.assert(
			fc.property(fc.oneof(cohort({ mentees: [0, 6], mentors: [0, 4] }), cohort({ mentees: [0, 6], mentors: [0, 4], dense: true })), (k) => {
				const best = bruteForceOptimum(k);
				expect(engineOptimum(k, false)).toMatchObject(best);
				const r = match(k.mentees, k.mentors, k.settings);
				expect({ matched: r.proposals.length, points: Math.round(r.totalScore * POINTS) }).toEqual(best);
			}),
			{ seed: 20260105, numRuns: 300 }
		);
	});

	it('stays exact when the flow starts from one pair per mentee and the optimality check must add the rest', () => {
		let added = 0;
		fc.assert(
			fc.property(cohort({ mentees: [1, 6], mentors: [1, 4], dense: true }), (k) => {
				const r = engineOptimum(k, true);
				added += r.stats.addedPairs;
				expect({ matched: r.matched, points: r.points }).toEqual(bruteForceOptimum(k));
			}),
			{ seed: 42, numRuns: 300 }
		);
		expect(added).toBeGreaterThan(20);
	});

	it('on a realistic cohort of 600 × 120, the sparse start with checks reaches the optimum of the flow on all eligible pairs', () => {
		const { mentees, mentors, settings } = syntheticCohort({ mentees: 600, mentors: 120, seed: 7 });
		const { candidates } = prepareCohort(mentees, mentors, settings);
		const total = (mentorOf: Int32Array) => {
			let points = 0;
			let matched = 0;
			mentorOf.forEach((j, i) => {
				if (j < 0) return;
				matched++;
				for (let p = candidates.start[i]!; p < candidates.start[i + 1]!; p++) if (candidates.mentor[p] === j) points += candidates.points[p]!;
			});
			return { matched, points };
		};
		const everything = assignBalanced(candidates, null, { perMentee: mentors.length, perMentor: mentees.length });
		expect(everything.stats.initialPairs).toBe(everything.stats.eligiblePairs);
		const sparse = assignBalanced(candidates, null, { perMentee: 2, perMentor: 0, perPlace: 0 });
		expect(sparse.stats.addedPairs).toBeGreaterThan(0);
		expect(total(sparse.mentorOf)).toEqual(total(everything.mentorOf));
		expect(total(assignBalanced(candidates, null).mentorOf)).toEqual(total(everything.mentorOf));
		// And under a balance rule that binds (women mentors are about half of them).
		const balancedEverything = assignBalanced(candidates, 0.45, { perMentee: mentors.length, perMentor: mentees.length });
		expect(balancedEverything.limit).not.toBeNull();
		expect(total(assignBalanced(candidates, 0.45, { perMentee: 2, perMentor: 0, perPlace: 0 }).mentorOf)).toEqual(total(balancedEverything.mentorOf));
		expect(total(balancedEverything.mentorOf).matched).toBeLessThan(total(everything.mentorOf).matched);
	});

	it('orients the flow from either side and gets the same optimum', () => {
		fc.assert(
			fc.property(cohort({ mentees: [1, 6], mentors: [1, 4] }), (k) => {
				const wide = { ...k, mentors: k.mentors.map((b) => ({ ...b, capacity: b.capacity * 3 })) };
				const narrow = { ...k, mentors: k.mentors.map((b) => ({ ...b, capacity: Math.min(1, b.capacity) })) };
				for (const variant of [wide, narrow]) expect({ matched: engineOptimum(variant, false).matched, points: engineOptimum(variant, false).points }).toEqual(bruteForceOptimum(variant));
			}),
			{ seed: 7, numRuns: 80 }
		);
	});
});

const base = {
	country: 'BR',
	timezone: 'America/Sao_Paulo',
	languages: [{ tag: 'pt', level: 'native' as const }],
	availability: [{ day: 2 as const, start: 1080, end: 1260 }],
	goals: [],
	gender: null
};
const mentee = (id: string, passions: string[], more: Partial<Mentee> = {}): Mentee => ({ ...base, id, passions, minor: false, crossBorder: null, preferredMentorGender: null, ...more });
const mentor = (id: string, passions: string[], more: Partial<Mentor> = {}): Mentor => ({ ...base, id, passions, capacity: 1, vettedForMinors: true, ...more });

describe('against greedy matching', () => {
	it('matches more mentees: the first mentee’s favourite is the only mentor a minor may have', () => {
		const mentees = [mentee('a', ['painting']), mentee('b', ['painting'], { minor: true })];
		const mentors = [mentor('x', ['painting']), mentor('y', ['oil painting'], { vettedForMinors: false })];
		const greedy = greedyMatch(mentees, mentors, DEFAULT_SETTINGS);
		const exact = match(mentees, mentors, DEFAULT_SETTINGS);
		expect(greedy.proposals.map((p) => `${p.menteeId}-${p.mentorId}`)).toEqual(['a-x']);
		expect(exact.proposals.map((p) => `${p.menteeId}-${p.mentorId}`)).toEqual(['a-y', 'b-x']);
		expect(greedy.unmatched).toEqual([{ menteeId: 'b', reason: 'mentors_full', ruledOut: { minor_needs_vetted_mentor: 1 } }]);
	});

	it('scores higher with as many pairs: the first mentee gives up a little so that the second gains a lot', () => {
		// a talks with both mentors and prefers x a little (painting vs oil painting); b talks with y only through
		// translation, so b loses much more without x than a does.
		const mentees = [
			mentee('a', ['painting'], { languages: [{ tag: 'pt', level: 'native' }, { tag: 'es', level: 'native' }] }),
			mentee('b', ['painting'])
		];
		const mentors = [mentor('x', ['painting']), mentor('y', ['oil painting'], { languages: [{ tag: 'es', level: 'native' }] })];
		const settings = { ...DEFAULT_SETTINGS, translatablePairs: ['pt|es', 'es|pt'] };
		const greedy = greedyMatch(mentees, mentors, settings);
		const exact = match(mentees, mentors, settings);
		expect(greedy.proposals.map((p) => `${p.menteeId}-${p.mentorId}`)).toEqual(['a-x', 'b-y']);
		expect(exact.proposals.map((p) => `${p.menteeId}-${p.mentorId}`)).toEqual(['a-y', 'b-x']);
		expect(exact.totalScore - greedy.totalScore).toBeCloseTo(3 * 0.3 * -1 + 2 * (1 - 0.45) + 3 * (1 - 0.7), 3);
	});

	it('the greedy baseline itself keeps capacities', () => {
		const prepared = prepareCohort([mentee('a', []), mentee('b', []), mentee('c', [])], [mentor('x', [], { capacity: 2 })], DEFAULT_SETTINGS);
		expect([...greedyAssign(prepared.candidates)]).toEqual([0, 0, -1]);
	});
});
