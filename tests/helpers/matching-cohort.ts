/**
 * Random cohorts for the matching engine's property tests (fast-check), a brute-force optimum to check the exact
 * assignment against on small ones, and an independent check of the pair rules.
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

const slotOn = (days: fc.Arbitrary<number>): fc.Arbitrary<WeeklySlot> =>
	fc
		.record({ day: days, start: fc.integer({ min: 0, max: 1400 }), length: fc.integer({ min: 15, max: 300 }) })
		.map(({ day, start, length }) => ({ day: day as WeeklySlot['day'], start, end: Math.min(1440, start + length) }));
const slot = slotOn(fc.integer({ min: 1, max: 7 }));
/** Sunday afternoons and Monday mornings: Monday 00:00 UTC falls in one of them in every zone, where weeks meet. */
const edgeSlot: fc.Arbitrary<WeeklySlot> = fc
	.record({ sunday: fc.boolean(), start: fc.integer({ min: 0, max: 720 }), length: fc.integer({ min: 30, max: 360 }) })
	.map(({ sunday, start, length }) => (sunday ? { day: 7, start: 720 + start, end: Math.min(1440, 720 + start + length) } : { day: 1, start, end: start + length }));

const language: fc.Arbitrary<Language> = fc.record({ tag: fc.constantFrom(...TAGS), level: fc.constantFrom(...LEVELS) });

const EVENINGS: WeeklySlot[] = [
	{ day: 2, start: 1020, end: 1260 },
	{ day: 4, start: 600, end: 900 }
];

const person = (dense: boolean, edges: boolean) =>
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
		availability: edges
			? fc.array(edgeSlot, { minLength: 1, maxLength: 3 })
			: dense
				? fc.array(slot, { maxLength: 2 }).map((s) => [...EVENINGS, ...s])
				: fc.oneof(fc.array(slot, { maxLength: 4 }), fc.constant(EVENINGS)),
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
 * most pairs are eligible and the assignment has real choices to make. `edges`: every slot on a Sunday afternoon or a
 * Monday morning and a short horizon from a week with a clock change, so that much shared time spans the start of a
 * UTC week when the clocks move (where overlap once lost an hour).
 */
export function cohort({
	mentees: [minMentees, maxMentees],
	mentors: [minMentors, maxMentors],
	dense = false,
	edges = false
}: {
	mentees: [number, number];
	mentors: [number, number];
	dense?: boolean;
	edges?: boolean;
}): fc.Arbitrary<Cohort> {
	return fc
		.record({
			mentees: fc.array(fc.tuple(person(dense, edges), menteeFields(dense)), { minLength: minMentees, maxLength: maxMentees }),
			mentors: fc.array(fc.tuple(person(dense, edges), mentorFields(dense)), { minLength: minMentors, maxLength: maxMentors }),
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
			// With `edges`, short horizons that start the week a clock change falls in (EU or US, spring or autumn).
			horizonStart: edges ? fc.constantFrom('2026-03-02', '2026-03-23', '2026-10-19', '2026-10-26') : fc.constantFrom('2026-01-05', '2026-03-02', '2026-03-25', '2026-10-19'),
			horizonWeeks: fc.integer({ min: 1, max: edges ? 3 : 6 }),
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

/** What the independent check finds for one pair: the rules it breaks and the overlap in the worst week. */
export interface IndependentVerdict {
	broken: string[];
	overlapMinutes: number;
}

const RANK = { basic: 1, conversational: 2, fluent: 3, native: 4 } as const;
const subtag = (tag: string) => tag.toLowerCase().split(/[-_]/)[0]!;

/**
 * The pair rules of docs/matching.md, written again from the people and settings alone, deliberately simple and
 * slow, sharing no code with the engine: languages compared by primary subtag, the minimum level and the
 * translator's pairs (both directions); the cross-border choice; minors only with vetted mentors; pairs ended by
 * a report or skipped; a mentor's capacity; a hard gender preference; and the overlap counted minute by minute —
 * each slot's start and end turned into UTC instants with Intl (a repeated time takes the earlier instant, a
 * skipped one moves forward by the gap), the mentee's slots of each of their own weeks (seven local days from
 * horizonStart) checked against every instant the mentor is free. For small cohorts and short horizons only.
 */
export function independentCheck(settings: MatchingSettings): (mentee: Mentee, mentor: Mentor) => IndependentVerdict {
	const formats = new Map<string, Intl.DateTimeFormat>();
	/** Local wall-clock minutes since 1970 at a UTC minute, read from Intl. */
	const wallAt = (zone: string, utcMinute: number) => {
		let f = formats.get(zone);
		if (!f) formats.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })));
		const part = Object.fromEntries(f.formatToParts(utcMinute * 60_000).map((p) => [p.type, Number(p.value)]));
		return Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!) / 60_000;
	};
	const offset = (zone: string, utcMinute: number) => wallAt(zone, utcMinute) - utcMinute;
	/** The UTC minute of a wall-clock minute: of the offsets in force two days before and after (clock changes are weeks apart), the earliest reading that gives it back, else the offset before the gap. */
	const toUtc = (zone: string, wall: number) => {
		const early = offset(zone, wall - 2 * 1440);
		const late = offset(zone, wall + 2 * 1440);
		const readings = [wall - early, wall - late].filter((t) => wallAt(zone, t) === wall);
		return readings.length ? Math.min(...readings) : wall - early;
	};
	const [y, m, d] = settings.horizonStart.split('-').map(Number);
	const startDay = Date.UTC(y!, m! - 1, d!) / 86_400_000;
	/** Per local week (from -2), the set of UTC minutes a person's slots cover. */
	const weeksOf = new Map<Mentee | Mentor, Array<Set<number>>>();
	const weeks = (p: Mentee | Mentor) => {
		let out = weeksOf.get(p);
		if (out) return out;
		out = [];
		for (let week = -2; week <= settings.horizonWeeks + 1; week++) {
			const minutes = new Set<number>();
			for (let i = 0; i < 7; i++) {
				const day = startDay + 7 * week + i;
				const isoDay = ((new Date(day * 86_400_000).getUTCDay() + 6) % 7) + 1;
				for (const s of p.availability) {
					if (s.day !== isoDay) continue;
					const to = toUtc(p.timezone, day * 1440 + s.end);
					for (let t = toUtc(p.timezone, day * 1440 + s.start); t < to; t++) minutes.add(t);
				}
			}
			out.push(minutes);
		}
		weeksOf.set(p, out);
		return out;
	};
	const usable = (x: Language, y: Language) => subtag(x.tag) === subtag(y.tag) && RANK[x.level] >= RANK[settings.minSharedLevel] && RANK[y.level] >= RANK[settings.minSharedLevel];
	const pairs = new Set(settings.translatablePairs.map((p) => p.split('|').map(subtag).join('|')));
	const translatable = (x: Language, y: Language) => pairs.has(`${subtag(x.tag)}|${subtag(y.tag)}`) && pairs.has(`${subtag(y.tag)}|${subtag(x.tag)}`);
	const has = (list: Array<{ menteeId: string; mentorId: string }> | undefined, a: Mentee, b: Mentor) => (list ?? []).some((p) => p.menteeId === a.id && p.mentorId === b.id);
	const gender = (g: string | null) => (g ?? '').trim().toLowerCase() || null;

	return (a, b) => {
		const broken: string[] = [];
		if (has(settings.excludedPairs, a, b)) broken.push('ended_by_report');
		if (has(settings.skipPairs, a, b)) broken.push('skipped');
		if (b.capacity < 1) broken.push('capacity');
		if (a.minor && !b.vettedForMinors) broken.push('minor_needs_vetted_mentor');
		const abroad = a.country.toUpperCase() !== b.country.toUpperCase();
		if (a.crossBorder !== null && a.crossBorder !== abroad) broken.push('cross_border_preference');
		if (settings.genderPreferenceIsHard && gender(a.preferredMentorGender) !== null && gender(a.preferredMentorGender) !== gender(b.gender)) broken.push('gender_preference');
		if (!a.languages.some((x) => b.languages.some((y) => usable(x, y) || translatable(x, y)))) broken.push('no_common_language');
		const mentee = weeks(a);
		const mentor = weeks(b);
		let overlapMinutes = Infinity;
		for (let week = 0; week < settings.horizonWeeks; week++) {
			let together = 0;
			for (const t of mentee[week + 2]!) if (mentor.some((free) => free.has(t))) together++;
			overlapMinutes = Math.min(overlapMinutes, together);
		}
		if (overlapMinutes < settings.minOverlapHours * 60) broken.push('too_little_overlap');
		return { broken, overlapMinutes };
	};
}
