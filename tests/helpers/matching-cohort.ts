/**
 * Random cohorts for the matching engine's property tests (fast-check), and a brute-force optimum to check the
 * exact assignment against on small ones.
 */
import fc from 'fast-check';
import { GOALS } from '../../server/matching/goals';
import { eligibility } from '../../server/matching/score';
import { POINTS, normaliseGender } from '../../server/matching/score';
import type { Language, MatchingSettings, Mentee, Mentor, WeeklySlot } from '../../server/matching/types';

export const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Adelaide', 'Pacific/Auckland'];
const COUNTRIES = ['BR', 'KE', 'IN', 'ES', 'US'];
const TAGS = ['en', 'es', 'fr', 'ar', 'pt-BR', 'pt'];
const LEVELS = ['basic', 'conversational', 'fluent', 'native'] as const;
const PASSIONS = ['mural painting', 'Oil Painting', 'painting', 'guitar', 'Guitars', 'poetry', 'hip-hop', 'dance', 'ceramics', 'game design', 'astronomy'];
const GENDERS = ['woman', 'man', 'non-binary', 'Woman ', null];
const PAIRS = ['en|es', 'es|en', 'en|fr', 'fr|en', 'ar|en', 'en|ar', 'fr|ar'];

const slot: fc.Arbitrary<WeeklySlot> = fc
	.record({ day: fc.integer({ min: 1, max: 7 }), start: fc.integer({ min: 0, max: 1400 }), length: fc.integer({ min: 15, max: 300 }) })
	.map(({ day, start, length }) => ({ day: day as WeeklySlot['day'], start, end: Math.min(1440, start + length) }));

const language: fc.Arbitrary<Language> = fc.record({ tag: fc.constantFrom(...TAGS), level: fc.constantFrom(...LEVELS) });

const EVENINGS: WeeklySlot[] = [
	{ day: 2, start: 1020, end: 1260 },
	{ day: 4, start: 600, end: 900 }
];

const person = (dense: boolean) =>
	fc.record({
		country: fc.constantFrom(...COUNTRIES),
		timezone: dense ? fc.constant('UTC') : fc.constantFrom(...ZONES),
		languages: dense
			? fc.oneof(
					fc.array(language, { maxLength: 2 }).map((l) => [{ tag: 'en', level: 'native' as const }, ...l]),
					fc.constantFrom<Language[]>([{ tag: 'es', level: 'native' }], [{ tag: 'fr', level: 'fluent' }], [{ tag: 'ar', level: 'native' }])
				)
			: fc.array(language, { minLength: 0, maxLength: 3 }),
		passions: fc.subarray(PASSIONS, { maxLength: 4 }),
		// Often the same evening, so that many pairs overlap.
		availability: dense ? fc.array(slot, { maxLength: 2 }).map((s) => [...EVENINGS, ...s]) : fc.oneof(fc.array(slot, { maxLength: 4 }), fc.constant(EVENINGS)),
		goals: fc.subarray([...GOALS], { maxLength: 3 }),
		gender: fc.constantFrom(...GENDERS)
	});

const menteeFields = (dense: boolean) =>
	fc.record({
		minor: dense ? fc.constantFrom(false, false, false, true) : fc.boolean(),
		crossBorder: dense ? fc.constantFrom(null, null, null, true, false) : fc.constantFrom(null, null, true, false),
		preferredMentorGender: fc.constantFrom(null, null, 'woman', 'man')
	});
const mentorFields = (dense: boolean) => fc.record({ capacity: fc.integer({ min: dense ? 1 : 0, max: 3 }), vettedForMinors: fc.boolean() });

export interface Cohort {
	mentees: Mentee[];
	mentors: Mentor[];
	settings: MatchingSettings;
}

/**
 * A random cohort with settings; pairs to exclude or skip are drawn among its own people. `dense`: one time zone and
 * two evenings everyone shares, English for most, fewer minors and preferences, every mentor with room — so that
 * most pairs are eligible and the assignment has real choices to make.
 */
export function cohort({
	mentees: [minMentees, maxMentees],
	mentors: [minMentors, maxMentors],
	dense = false
}: {
	mentees: [number, number];
	mentors: [number, number];
	dense?: boolean;
}): fc.Arbitrary<Cohort> {
	return fc
		.record({
			mentees: fc.array(fc.tuple(person(dense), menteeFields(dense)), { minLength: minMentees, maxLength: maxMentees }),
			mentors: fc.array(fc.tuple(person(dense), mentorFields(dense)), { minLength: minMentors, maxLength: maxMentors }),
			weights: fc.record({
				passions: fc.integer({ min: 0, max: 3 }),
				language: fc.integer({ min: 0, max: 3 }),
				availability: fc.integer({ min: 0, max: 3 }),
				crossBorder: fc.integer({ min: 0, max: 3 }),
				goals: fc.integer({ min: 0, max: 3 }),
				genderPreference: fc.integer({ min: 0, max: 3 })
			}),
			minOverlapHours: fc.constantFrom(0, 0.5, 1, 2),
			minSharedLevel: fc.constantFrom(...LEVELS),
			translatablePairs: fc.subarray(PAIRS),
			horizonStart: fc.constantFrom('2026-01-05', '2026-03-02', '2026-03-25', '2026-10-19'),
			horizonWeeks: fc.integer({ min: 1, max: 6 }),
			genderPreferenceIsHard: fc.boolean(),
			balance: fc.option(fc.constantFrom(0.34, 0.5, 0.6, 0.75, 0.75), { freq: 2 }),
			excluded: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
			skipped: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 })
		})
		.map((r) => {
			const mentees: Mentee[] = r.mentees.map(([p, f], k) => ({ id: `e${String(k).padStart(2, '0')}`, ...p, ...f }));
			const mentors: Mentor[] = r.mentors.map(([p, f], k) => ({ id: `m${String(k).padStart(2, '0')}`, ...p, ...f }));
			const pair = ([a, b]: [number, number]) => ({ menteeId: mentees[a % mentees.length]!.id, mentorId: mentors[b % mentors.length]!.id });
			const settings: MatchingSettings = {
				weights: r.weights,
				minOverlapHours: r.minOverlapHours,
				minSharedLevel: r.minSharedLevel,
				translatablePairs: r.translatablePairs,
				horizonStart: r.horizonStart,
				horizonWeeks: r.horizonWeeks,
				excludedPairs: mentees.length && mentors.length ? r.excluded.map(pair) : [],
				skipPairs: mentees.length && mentors.length ? r.skipped.map(pair) : [],
				genderPreferenceIsHard: r.genderPreferenceIsHard,
				balance: r.balance === null ? null : { maxShareByMentorGender: r.balance }
			};
			return { mentees, mentors, settings };
		});
}

/** Whether the proposals keep the balance rule: no stated mentor gender has more than maxShare of them. */
export function keepsBalance(mentorGenders: Array<string | null>, maxShare: number): boolean {
	const counts = new Map<string, number>();
	for (const g of mentorGenders) {
		const k = normaliseGender(g);
		if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
	}
	return [...counts.values()].every((n) => n <= maxShare * mentorGenders.length);
}

/**
 * The best (matched, points) over every assignment that keeps the constraints, by enumeration: the objective the
 * engine claims to reach (most mentees matched, then the highest total of the pairs' points).
 */
export function bruteForceOptimum({ mentees, mentors, settings }: Cohort): { matched: number; points: number } {
	const skipped = new Set((settings.skipPairs ?? []).map((s) => `${s.menteeId}|${s.mentorId}`));
	const options = mentees.map((a) =>
		mentors.flatMap((b, j) => {
			if (skipped.has(`${a.id}|${b.id}`)) return [];
			const e = eligibility(a, b, settings);
			return e.ok ? [{ j, points: Math.round(e.score.total * POINTS) }] : [];
		})
	);
	const room = mentors.map((b) => b.capacity);
	const chosen: number[] = [];
	let best = { matched: -1, points: -1 };
	const share = settings.balance?.maxShareByMentorGender;
	const visit = (i: number, matched: number, points: number) => {
		if (i === mentees.length) {
			if (share !== undefined && share < 1 && !keepsBalance(chosen.map((j) => mentors[j]!.gender), share)) return;
			if (matched > best.matched || (matched === best.matched && points > best.points)) best = { matched, points };
			return;
		}
		visit(i + 1, matched, points);
		for (const { j, points: p } of options[i]!) {
			if (room[j]! <= 0) continue;
			room[j]!--;
			chosen.push(j);
			visit(i + 1, matched + 1, points + p);
			chosen.pop();
			room[j]!++;
		}
	};
	visit(0, 0, 0);
	return best;
}
