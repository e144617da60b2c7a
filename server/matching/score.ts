/**
 * Whether a mentee and a mentor may be paired (the hard constraints), and how good the pair is (the score).
 *
 * Hard constraints, checked in this order (`PAIR_CONSTRAINTS`; where a mentee's mentors are counted by the first
 * constraint that rules each out, it is this order):
 * 1. `ended_by_report` — a mentorship between the two was ended by a report (settings.excludedPairs);
 * 2. `capacity` — the mentor takes no mentee this round (capacity 0);
 * 3. `minor_needs_vetted_mentor` — a minor, and the mentor is not vetted for work with minors;
 * 4. `cross_border_preference` — the mentee asked for a mentor abroad (crossBorder true) or at home (false);
 * 5. `gender_preference` — only with settings.genderPreferenceIsHard: the mentor's gender is not the one asked for;
 * 6. `no_common_language` — no usable shared language and no translatable pair (languages.ts);
 * 7. `too_little_overlap` — fewer than settings.minOverlapHours together in some week (the mentee's) of the horizon (overlap.ts).
 *
 * Score: six components, each in [0, 1], weighted by settings.weights and summed:
 * - passions: the mentee-centred passion similarity (passions.ts);
 * - language: 0.55–1 for a shared language by level, 0.30–0.45 through translation (languages.ts);
 * - availability: weekly overlap ÷ 6 hours, at most 1 (six shared hours a week are plenty for one mentorship);
 * - crossBorder: 1 when the two live in different countries, else 0 (the program's bonus for crossing borders);
 * - goals: the share of the mentee's goals that the mentor also has, 0 when the mentee gave none;
 * - genderPreference: 1 when the mentee asked for no gender or the mentor's gender is the one asked for, else 0.
 * The total is rounded to thousandths, and the assignment maximises the sum of these rounded totals, in whole
 * "points" (total × 1000), so that it can be exact and deterministic. Genders compare trimmed and case-folded.
 */
import { createLanguageMatcher, type SpokenLanguages } from './languages';
import { createOverlapIndex, type AvailabilityProfile } from './overlap';
import { createPassionIndex, type PassionSet } from './passions';
import type { ConstraintCode, ExplanationPart, MatchingSettings, Mentee, Mentor, ScoreBreakdown } from './types';

export const PAIR_CONSTRAINTS = [
	'ended_by_report',
	'capacity',
	'minor_needs_vetted_mentor',
	'cross_border_preference',
	'gender_preference',
	'no_common_language',
	'too_little_overlap'
] as const satisfies readonly ConstraintCode[];
export type PairConstraint = (typeof PAIR_CONSTRAINTS)[number];

/** Weekly hours of overlap at which the availability component reaches 1. */
export const FULL_OVERLAP_HOURS = 6;
/** Score points per unit of total score: totals are compared, summed and maximised as whole thousandths. */
export const POINTS = 1000;

/** One gender label as compared: trimmed, NFC, case-folded; empty is "not given". */
export const normaliseGender = (g: string | null | undefined) => {
	const s = (g ?? '').normalize('NFC').trim().toLowerCase();
	return s === '' ? null : s;
};

export interface CompiledMentee {
	person: Mentee;
	languages: SpokenLanguages;
	passions: PassionSet;
	profile: AvailabilityProfile;
	goals: ReadonlySet<string>;
	country: string;
	preferredGender: string | null;
	/** Mentor ids this mentee must never be proposed again (ended by report). */
	excluded: ReadonlySet<string> | null;
}

export interface CompiledMentor {
	person: Mentor;
	languages: SpokenLanguages;
	passions: PassionSet;
	profile: AvailabilityProfile;
	goals: ReadonlySet<string>;
	country: string;
	gender: string | null;
}

export interface PairDetails {
	score: ScoreBreakdown;
	overlapHoursPerWeek: number;
	explanation: ExplanationPart[];
}

/** Pair checks and scores for one run; holds the run's caches (zones, profiles, tags, languages). */
export function createPairEvaluator(settings: MatchingSettings) {
	const overlap = createOverlapIndex(settings);
	const languages = createLanguageMatcher(settings);
	const passions = createPassionIndex();
	const w = settings.weights;
	const minOverlap = Math.round(settings.minOverlapHours * 60);
	const hardGender = settings.genderPreferenceIsHard === true;
	const excludedBy = new Map<string, Set<string>>();
	for (const p of settings.excludedPairs) {
		const set = excludedBy.get(p.menteeId) ?? new Set();
		set.add(p.mentorId);
		excludedBy.set(p.menteeId, set);
	}

	const sharedGoals = (a: CompiledMentee, b: CompiledMentor) => [...a.goals].filter((g) => b.goals.has(g));
	const goalScore = (a: CompiledMentee, b: CompiledMentor) => {
		if (a.goals.size === 0) return 0;
		let n = 0;
		for (const g of a.goals) if (b.goals.has(g)) n++;
		return n / a.goals.size;
	};
	const genderScore = (a: CompiledMentee, b: CompiledMentor) => (a.preferredGender === null || a.preferredGender === b.gender ? 1 : 0);

	const index = (code: PairConstraint) => PAIR_CONSTRAINTS.indexOf(code);
	const [EXCLUDED, CAPACITY, VETTING, BORDER, GENDER] = [index('ended_by_report'), index('capacity'), index('minor_needs_vetted_mentor'), index('cross_border_preference'), index('gender_preference')];
	const [LANGUAGE, OVERLAP] = [index('no_common_language'), index('too_little_overlap')];

	/**
	 * The constraints checked before language and overlap, cheapest first. Returns the index (in PAIR_CONSTRAINTS)
	 * of the first that rules the pair out, or -1; with `all`, pushes every one that does and returns -1.
	 */
	function cheapChecks(a: CompiledMentee, b: CompiledMentor, all: PairConstraint[] | null): number {
		if (a.excluded !== null && a.excluded.has(b.person.id)) {
			if (!all) return EXCLUDED;
			all.push('ended_by_report');
		}
		if (!(b.person.capacity > 0)) {
			if (!all) return CAPACITY;
			all.push('capacity');
		}
		if (a.person.minor && !b.person.vettedForMinors) {
			if (!all) return VETTING;
			all.push('minor_needs_vetted_mentor');
		}
		if (a.person.crossBorder !== null && a.person.crossBorder !== (a.country !== b.country)) {
			if (!all) return BORDER;
			all.push('cross_border_preference');
		}
		if (hardGender && genderScore(a, b) === 0) {
			if (!all) return GENDER;
			all.push('gender_preference');
		}
		return -1;
	}

	const availabilityScore = (minutes: number) => Math.min(1, minutes / (FULL_OVERLAP_HOURS * 60));
	const crossBorderScore = (a: CompiledMentee, b: CompiledMentor) => (a.country !== b.country ? 1 : 0);

	/** The weighted sum in whole points: the one formula behind both `assess` and `details`. */
	function points(passion: number, language: number, availability: number, crossBorder: number, goals: number, gender: number): number {
		const sum = w.passions * passion + w.language * language + w.availability * availability + w.crossBorder * crossBorder + w.goals * goals + w.genderPreference * gender;
		return Math.round(sum * POINTS);
	}

	return {
		compileMentee(person: Mentee): CompiledMentee {
			return {
				person,
				languages: languages.compile(person.languages),
				passions: passions.compile(person.passions),
				profile: overlap.profile(person),
				goals: new Set(person.goals),
				country: person.country.toUpperCase(),
				preferredGender: normaliseGender(person.preferredMentorGender),
				excluded: excludedBy.get(person.id) ?? null
			};
		},
		compileMentor(person: Mentor): CompiledMentor {
			return {
				person,
				languages: languages.compile(person.languages),
				passions: passions.compile(person.passions),
				profile: overlap.profile(person),
				goals: new Set(person.goals),
				country: person.country.toUpperCase(),
				gender: normaliseGender(person.gender)
			};
		},
		/**
		 * The hot path of a whole-cohort run: the pair's score in points (≥ 0) when it is eligible, else
		 * `-(k + 1)` for PAIR_CONSTRAINTS[k], the first constraint that rules it out. `meet` false: the caller
		 * knows the two are never free at the same time (overlap.ts meetingMentors), so the overlap is 0.
		 */
		assess(a: CompiledMentee, b: CompiledMentor, meet = true): number {
			const failed = cheapChecks(a, b, null);
			if (failed >= 0) return -(failed + 1);
			const fit = languages.fit(a.languages, b.languages);
			if (!fit) return -(LANGUAGE + 1);
			const minutes = meet ? overlap.minutes(a.profile, b.profile, minOverlap) : 0;
			if (minutes < minOverlap) return -(OVERLAP + 1);
			return points(passions.score(a.passions, b.passions), fit.score, availabilityScore(minutes), crossBorderScore(a, b), goalScore(a, b), genderScore(a, b));
		},
		/** Every hard constraint the pair breaks, in PAIR_CONSTRAINTS order (empty: eligible). */
		failures(a: CompiledMentee, b: CompiledMentor): PairConstraint[] {
			const out: PairConstraint[] = [];
			cheapChecks(a, b, out);
			if (!languages.fit(a.languages, b.languages)) out.push('no_common_language');
			if (overlap.minutes(a.profile, b.profile, minOverlap) < minOverlap) out.push('too_little_overlap');
			return out;
		},
		/** Score breakdown and explanation of an eligible pair (null when it is not eligible). */
		details(a: CompiledMentee, b: CompiledMentor): PairDetails | null {
			if (cheapChecks(a, b, null) >= 0) return null;
			const fit = languages.fit(a.languages, b.languages);
			const minutes = overlap.minutes(a.profile, b.profile);
			if (!fit || minutes < minOverlap) return null;
			const passion = passions.match(a.passions, b.passions);
			const parts = {
				passions: passion.score,
				language: fit.score,
				availability: availabilityScore(minutes),
				crossBorder: crossBorderScore(a, b),
				goals: goalScore(a, b),
				genderPreference: genderScore(a, b)
			};
			const hours = minutes / 60;
			const explanation: ExplanationPart[] = [];
			if (passion.shared.length || passion.related.length) explanation.push({ kind: 'passions', shared: passion.shared, related: passion.related });
			explanation.push({ kind: 'overlap', hoursPerWeek: hours });
			explanation.push({ kind: 'language', shared: fit.shared, via: fit.via, menteeLanguage: fit.menteeLanguage, mentorLanguage: fit.mentorLanguage });
			explanation.push({ kind: 'border', crossBorder: a.country !== b.country, menteeCountry: a.country, mentorCountry: b.country });
			const goals = sharedGoals(a, b);
			if (goals.length) explanation.push({ kind: 'goals', shared: goals });
			if (a.preferredGender !== null) explanation.push({ kind: 'gender_preference', met: a.preferredGender === b.gender });
			const total = points(parts.passions, parts.language, parts.availability, parts.crossBorder, parts.goals, parts.genderPreference) / POINTS;
			return { score: { ...parts, total }, overlapHoursPerWeek: hours, explanation };
		}
	};
}

export type PairEvaluator = ReturnType<typeof createPairEvaluator>;

export type Eligibility = ({ ok: true } & PairDetails) | { ok: false; ruledOutBy: PairConstraint[] };

/** Whether this mentee and mentor may be paired under these settings: the score and explanation, or every constraint that rules the pair out. */
export function eligibility(mentee: Mentee, mentor: Mentor, settings: MatchingSettings): Eligibility {
	const evaluator = createPairEvaluator(settings);
	const a = evaluator.compileMentee(mentee);
	const b = evaluator.compileMentor(mentor);
	const details = evaluator.details(a, b);
	return details ? { ok: true, ...details } : { ok: false, ruledOutBy: evaluator.failures(a, b) };
}
