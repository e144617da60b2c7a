/**
 * Cohort balance by mentor gender (settings.balance).
 *
 * The rule, exactly: with `maxShareByMentorGender` = s, among the T proposals of a round no mentor gender has more
 * than s × T of them. Genders compare as the mentors wrote them, trimmed and case-folded; mentors who gave none
 * are not limited (not stating a gender is not a gender). With s below 1 ÷ (number of genders) and no mentor
 * without a gender, only T = 0 keeps the rule: the program asked for something no cohort can meet.
 *
 * Why the whole round and not only the mentees who asked for balance: a limit on the pairs between one set of
 * mentees and one group of mentors, alongside every mentor's capacity, is not a flow constraint — the constraint
 * matrix has an odd cycle (mentee b, mentor j of the group, mentor k of another, a mentee n outside the set, and
 * the group row), so its linear relaxation has fractional optima and an exact solution would need integer
 * programming. A limit on everything a group of mentors takes is a flow constraint (a group node), so that is the
 * rule the engine keeps exactly.
 *
 * How: for a fixed limit K per group, assign.ts finds the best assignment; call its size F(K). The share rule
 * with T proposals is the limit ⌊s·T⌋. Starting from an upper bound on T, the engine repeats T ← F(⌊s·T⌋): the
 * sequence never grows and stops at T*, the largest T with F(⌊s·T⌋) ≥ T, so the last assignment — exact under the
 * limit ⌊s·T*⌋, with T* pairs — keeps the rule, and no assignment that keeps it has more pairs or, with as many,
 * a higher total score. The same iteration on an upper bound of F (each group's places, counted without the
 * assignment) first brings the start down to near T*, so the assignment usually runs two to four times.
 */
import { assign, type AssignOptions, type Assignment } from './assign';
import type { Candidates } from './candidates';
import { normaliseGender } from './score';
import type { Mentor } from './types';

/** Each mentor's gender group (-1 without one), and the groups' names. */
export function genderGroups(mentors: readonly Pick<Mentor, 'gender'>[]): { of: Int32Array; names: string[] } {
	const names: string[] = [];
	const of = Int32Array.from(mentors, (b) => {
		const g = normaliseGender(b.gender);
		if (g === null) return -1;
		let k = names.indexOf(g);
		if (k < 0) k = names.push(g) - 1;
		return k;
	});
	return { of, names };
}

export interface BalancedAssignment extends Assignment {
	/** The per-gender limit the final assignment kept (⌊s × pairs⌋), or null without balance. */
	limit: number | null;
	/** How many times the assignment ran. */
	runs: number;
}

/** The exact assignment under the share rule (see the module comment); plain `assign` when there is nothing to limit. */
export function assignBalanced(c: Candidates, maxShare: number | null, options: Omit<AssignOptions, 'groups'> = {}): BalancedAssignment {
	const groups = genderGroups(c.mentors.map((b) => b.person));
	if (maxShare === null || maxShare >= 1 || groups.names.length === 0) return { ...assign(c, options), limit: null, runs: 1 };
	// Places each group can fill at most (capacity, and no more than the mentees it may take), and seekers.
	const degree = new Int32Array(c.mentors.length);
	for (const j of c.mentor) degree[j]!++;
	const places = new Array<number>(groups.names.length).fill(0);
	let unlimited = 0;
	c.mentors.forEach((b, j) => {
		const n = Math.min(Math.max(0, Math.floor(b.person.capacity)), degree[j]!);
		if (groups.of[j]! >= 0) places[groups.of[j]!]! += n;
		else unlimited += n;
	});
	let seekers = 0;
	for (let i = 0; i < c.mentees.length; i++) if (c.start[i + 1]! > c.start[i]!) seekers++;
	// F(⌊s·T⌋) ≤ bound(T) for every T, so iterating the bound first (arithmetic only) starts the real iteration
	// closer to T* and still above it.
	const bound = (t: number) => Math.min(seekers, unlimited + places.reduce((sum, p) => sum + Math.min(p, Math.floor(maxShare * t)), 0));
	let target = Math.min(seekers, unlimited + places.reduce((a, b) => a + b, 0));
	while (bound(target) < target) target = bound(target);
	let runs = 0;
	for (;;) {
		const limit = Math.floor(maxShare * target);
		const result = assign(c, { ...options, groups: { of: groups.of, limits: groups.names.map(() => limit) } });
		runs++;
		let matched = 0;
		for (const j of result.mentorOf) if (j >= 0) matched++;
		if (matched >= target) return { ...result, limit, runs };
		target = matched;
	}
}
