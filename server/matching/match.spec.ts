import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohort, independentCheck, keepsBalance, type Cohort } from '../../tests/helpers/matching-cohort';
import { prepareCohort } from './engine';
import { eligibility, explain, match, rankMentors } from './index';
import { PAIR_CONSTRAINTS, POINTS } from './score';
import type { Mentee, Mentor } from './types';

const RUNS = { seed: 1105, numRuns: 200 };
const medium = cohort({ mentees: [0, 24], mentors: [0, 8] });
const mediumDense = cohort({ mentees: [0, 24], mentors: [0, 8], dense: true });
const anyCohort = fc.oneof({ arbitrary: medium, weight: 1 }, { arbitrary: mediumDense, weight: 3 });
// Small enough for the independent check, which counts overlap minute by minute.
const small = fc.oneof(
	cohort({ mentees: [1, 5], mentors: [1, 4] }),
	cohort({ mentees: [1, 5], mentors: [1, 4], dense: true }),
	cohort({ mentees: [1, 5], mentors: [1, 4], edges: true })
);

/** Every mentor's verdict for a mentee, ignoring skipped pairs (which are left out without a reason). */
function verdicts({ mentees, mentors, settings }: Cohort, a: Mentee) {
	const skipped = new Set((settings.skipPairs ?? []).filter((s) => s.menteeId === a.id).map((s) => s.mentorId));
	return mentors.filter((b) => !skipped.has(b.id)).map((b) => ({ mentor: b, verdict: eligibility(a, b, settings) }));
}

describe('matching a cohort (property tests)', () => {
	it('never breaks a constraint: eligible pairs only, each mentee once, capacities, skipped pairs, balance', () => {
		fc.assert(
			fc.property(anyCohort, (k) => {
				const r = match(k.mentees, k.mentors, k.settings);
				const mentee = new Map(k.mentees.map((p) => [p.id, p]));
				const mentor = new Map(k.mentors.map((p) => [p.id, p]));
				const skipped = new Set((k.settings.skipPairs ?? []).map((s) => `${s.menteeId}|${s.mentorId}`));
				const load = new Map<string, number>();
				for (const p of r.proposals) {
					const verdict = eligibility(mentee.get(p.menteeId)!, mentor.get(p.mentorId)!, k.settings);
					expect(verdict.ok).toBe(true);
					expect(skipped.has(`${p.menteeId}|${p.mentorId}`)).toBe(false);
					expect(k.settings.excludedPairs).not.toContainEqual({ menteeId: p.menteeId, mentorId: p.mentorId });
					if (mentee.get(p.menteeId)!.minor) expect(mentor.get(p.mentorId)!.vettedForMinors).toBe(true);
					if (verdict.ok) expect(p.overlapHoursPerWeek).toBeGreaterThanOrEqual(k.settings.minOverlapHours);
					load.set(p.mentorId, (load.get(p.mentorId) ?? 0) + 1);
				}
				for (const [id, n] of load) expect(n).toBeLessThanOrEqual(mentor.get(id)!.capacity);
				const ids = [...r.proposals.map((p) => p.menteeId), ...r.unmatched.map((u) => u.menteeId)];
				expect(ids.toSorted()).toEqual(k.mentees.map((p) => p.id).toSorted());
				const share = k.settings.balance?.maxShareByMentorGender;
				if (share !== undefined) expect(keepsBalance(r.proposals.map((p) => mentor.get(p.mentorId)!.gender), share)).toBe(true);
				expect(Math.round(r.totalScore * POINTS)).toBe(r.proposals.reduce((s, p) => s + Math.round(p.score.total * POINTS), 0));
			}),
			RUNS
		);
	});

	it('keeps every rule by an independent check (small cohorts): languages, borders, minors, exclusions and skips, capacity, gender, overlap minute by minute', () => {
		fc.assert(
			fc.property(small, (k) => {
				const check = independentCheck(k.settings);
				const r = match(k.mentees, k.mentors, k.settings);
				const load = new Map<string, number>();
				for (const p of r.proposals) {
					const a = k.mentees.find((x) => x.id === p.menteeId)!;
					const b = k.mentors.find((x) => x.id === p.mentorId)!;
					const verdict = check(a, b);
					expect(verdict.broken, `${a.id} – ${b.id}`).toEqual([]);
					expect(p.overlapHoursPerWeek).toBe(verdict.overlapMinutes / 60);
					load.set(b.id, (load.get(b.id) ?? 0) + 1);
				}
				for (const b of k.mentors) expect(load.get(b.id) ?? 0).toBeLessThanOrEqual(b.capacity);
				// And the other way round: no mentee is left with no eligible mentor when one passes the check.
				for (const u of r.unmatched.filter((x) => x.reason === 'no_eligible_mentor')) {
					const a = k.mentees.find((x) => x.id === u.menteeId)!;
					for (const b of k.mentors) expect(check(a, b).broken, `${a.id} – ${b.id}`).not.toEqual([]);
				}
			}),
			{ ...RUNS, numRuns: 100 }
		);
	});

	it('agrees with the independent check on every pair: eligible or not, and the worst week’s overlap (small cohorts)', () => {
		fc.assert(
			fc.property(small, (k) => {
				const check = independentCheck(k.settings);
				for (const a of k.mentees)
					for (const b of k.mentors) {
						const verdict = check(a, b);
						const engine = eligibility(a, b, k.settings);
						const skipped = verdict.broken.includes('skipped');
						expect(engine.ok, `${a.id} – ${b.id}: ${verdict.broken.join(', ')}`).toBe(verdict.broken.length === 0 || (skipped && verdict.broken.length === 1));
						if (engine.ok) expect(engine.overlapHoursPerWeek).toBe(verdict.overlapMinutes / 60);
						else expect(engine.ruledOutBy.toSorted()).toEqual(verdict.broken.filter((c) => c !== 'skipped').toSorted());
					}
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('is deterministic: the same result twice, and for the same people in another order', () => {
		fc.assert(
			fc.property(anyCohort, fc.nat(), (k, rotate) => {
				const r = match(k.mentees, k.mentors, k.settings);
				expect(match(k.mentees, k.mentors, k.settings)).toEqual(r);
				const turn = <T>(list: T[]) => (list.length ? [...list.slice(rotate % list.length), ...list.slice(0, rotate % list.length)].reverse() : list);
				expect(match(turn(k.mentees), turn(k.mentors), k.settings)).toEqual(r);
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('explains every proposal, in every UI language', () => {
		fc.assert(
			fc.property(anyCohort, (k) => {
				for (const p of match(k.mentees, k.mentors, k.settings).proposals) {
					const kinds = p.explanation.map((e) => e.kind);
					expect(kinds).toEqual(expect.arrayContaining(['overlap', 'language', 'border']));
					for (const locale of ['en', 'es', 'fr', 'ar']) {
						const lines = explain(p.explanation, locale);
						expect(lines.length).toBeGreaterThanOrEqual(3);
						for (const line of lines) expect(line).toMatch(/^(?!.*(undefined|null|NaN)).+$/);
					}
				}
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('gives each unmatched mentee a true reason and counts each mentor under the first constraint that ruled it out', () => {
		fc.assert(
			fc.property(anyCohort, (k) => {
				const r = match(k.mentees, k.mentors, k.settings);
				const load = new Map<string, number>();
				for (const p of r.proposals) load.set(p.mentorId, (load.get(p.mentorId) ?? 0) + 1);
				for (const u of r.unmatched) {
					const all = verdicts(k, k.mentees.find((p) => p.id === u.menteeId)!);
					const eligible = all.filter((v) => v.verdict.ok).map((v) => v.mentor);
					const counted: Record<string, number> = {};
					for (const { verdict } of all) if (!verdict.ok) counted[verdict.ruledOutBy[0]!] = (counted[verdict.ruledOutBy[0]!] ?? 0) + 1;
					expect(u.ruledOut).toEqual(counted);
					if (eligible.length === 0) expect(u.reason).toBe('no_eligible_mentor');
					else if (u.reason === 'mentors_full') for (const b of eligible) expect(load.get(b.id) ?? 0).toBe(b.capacity);
					else {
						expect(u.reason).toBe('balance');
						expect(k.settings.balance).not.toBeNull();
					}
				}
			}),
			RUNS
		);
	});

	it('scores pairs the same in the whole-cohort pass as one by one', () => {
		fc.assert(
			fc.property(anyCohort, (k) => {
				const { candidates: c } = prepareCohort(k.mentees, k.mentors, k.settings);
				c.mentees.forEach((a, i) => {
					const found = new Map<string, number>();
					for (let p = c.start[i]!; p < c.start[i + 1]!; p++) found.set(c.mentors[c.mentor[p]!]!.person.id, c.points[p]!);
					const expected = new Map(verdicts(k, a.person).flatMap(({ mentor, verdict }) => (verdict.ok ? [[mentor.id, Math.round(verdict.score.total * POINTS)] as const] : [])));
					expect(found).toEqual(expected);
				});
			}),
			{ ...RUNS, numRuns: 100 }
		);
	});

	it('ranks the mentors a mentee may choose: eligible and with room, best first, ties by id', () => {
		fc.assert(
			fc.property(anyCohort, (k) => {
				for (const a of k.mentees.slice(0, 3)) {
					const ranked = rankMentors(a, k.mentors, k.settings);
					const eligible = verdicts(k, a).filter((v) => v.verdict.ok);
					expect(ranked.map((p) => p.mentorId).toSorted()).toEqual(eligible.map((v) => v.mentor.id).toSorted());
					for (let n = 1; n < ranked.length; n++) {
						const [x, y] = [ranked[n - 1]!, ranked[n]!];
						expect(x.score.total > y.score.total || (x.score.total === y.score.total && x.mentorId < y.mentorId)).toBe(true);
					}
				}
			}),
			{ ...RUNS, numRuns: 100 }
		);
	});
});

describe('matching a cohort (examples)', () => {
	const person = { country: 'KE', timezone: 'Africa/Nairobi', languages: [{ tag: 'sw', level: 'native' as const }], passions: ['dance'], availability: [{ day: 6 as const, start: 600, end: 780 }], goals: [] };
	const mentee = (id: string): Mentee => ({ ...person, id, gender: null, minor: false, crossBorder: null, preferredMentorGender: null });
	const mentor = (id: string, gender: string | null): Mentor => ({ ...person, id, gender, capacity: 1, vettedForMinors: true });
	const mentees = ['a', 'b', 'c', 'd'].map(mentee);
	const mentors = [mentor('w1', 'woman'), mentor('w2', 'Woman'), mentor('w3', 'woman '), mentor('m1', 'man')];
	const settings = {
		weights: { passions: 3, language: 2, availability: 2, crossBorder: 1, goals: 1, genderPreference: 1 },
		minOverlapHours: 1,
		minSharedLevel: 'conversational' as const,
		translatablePairs: [],
		horizonStart: '2026-01-05',
		horizonWeeks: 2,
		excludedPairs: []
	};

	it('keeps the balance rule at the cost of pairs, and says so', () => {
		expect(match(mentees, mentors, settings).proposals).toHaveLength(4);
		expect(match(mentees, mentors, { ...settings, balance: { maxShareByMentorGender: 0.75 } }).proposals).toHaveLength(4);
		const half = match(mentees, mentors, { ...settings, balance: { maxShareByMentorGender: 0.5 } });
		// Four pairs would need three women mentors (75 %), three pairs two (67 %): only two pairs keep 50 %.
		expect(half.proposals.map((p) => p.mentorId).toSorted()).toEqual(['m1', 'w1']);
		expect(half.unmatched.map((u) => u.reason)).toEqual(['balance', 'balance']);
	});

	it('does not limit mentors who gave no gender', () => {
		const unstated = mentors.map((b) => ({ ...b, gender: null }));
		expect(match(mentees, unstated, { ...settings, balance: { maxShareByMentorGender: 0.5 } }).proposals).toHaveLength(4);
	});

	it('refuses duplicate ids and settings it cannot work with', () => {
		expect(() => match([mentee('a'), mentee('a')], mentors, settings)).toThrow(RangeError);
		expect(() => match(mentees, mentors, { ...settings, horizonWeeks: 0 })).toThrow(RangeError);
		for (const horizonStart of ['2026-02-30', '2026-1-5', undefined]) {
			const bad = { ...settings, horizonStart: horizonStart as string };
			expect(() => match(mentees, mentors, bad)).toThrow(/^horizonStart must be a calendar date written YYYY-MM-DD/);
			expect(() => rankMentors(mentees[0]!, mentors, bad)).toThrow(/^horizonStart must be/);
			expect(() => eligibility(mentees[0]!, mentors[0]!, bad)).toThrow(/^horizonStart must be/);
		}
		expect(() => match([], [], { ...settings, horizonStart: '2026-13-01' })).toThrow(/^horizonStart must be/);
		expect(() => match(mentees, mentors, { ...settings, weights: { ...settings.weights, goals: -1 } })).toThrow(RangeError);
	});

	it('reports a mentee no mentor can take with what ruled the mentors out', () => {
		const minor = { ...mentee('kid'), minor: true, languages: [{ tag: 'en', level: 'native' as const }] };
		const r = match([minor], [mentor('w1', 'woman'), { ...mentor('x', null), vettedForMinors: false }, { ...mentor('z', null), capacity: 0 }], settings);
		expect(r.unmatched).toEqual([{ menteeId: 'kid', reason: 'no_eligible_mentor', ruledOut: { capacity: 1, minor_needs_vetted_mentor: 1, no_common_language: 1 } }]);
		expect(PAIR_CONSTRAINTS.indexOf('capacity')).toBeLessThan(PAIR_CONSTRAINTS.indexOf('no_common_language'));
	});
});
