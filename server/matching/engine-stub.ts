/**
 * TEMPORARY stand-in for the matching engine (server/matching/index.ts, written separately), with the same exports:
 * `match`, `rankMentors`, `DEFAULT_SETTINGS`, `DEFAULT_WEIGHTS`, `GOALS` and `explain`. service.ts imports the engine
 * through one line; switch that line to './index' and delete this file once the engine lands.
 *
 * Deliberately simple: the hard constraints of the contract (capacity, vetting for minors, a usable language, weekly
 * overlap, pairs ended by a report, skipped pairs, cross-border and hard gender preferences), a plain weighted score,
 * a greedy assignment, and English explanations.
 */
import type { ConstraintCode, ExplanationPart, LanguageLevel, MatchingResult, MatchingSettings, Mentee, Mentor, Proposal, ScoreBreakdown, Unmatched, WeeklySlot, Weights } from './types';

export const DEFAULT_WEIGHTS: Weights = { passions: 3, language: 2, availability: 2, crossBorder: 1, goals: 2, genderPreference: 1 };

export const DEFAULT_SETTINGS: MatchingSettings = {
	weights: DEFAULT_WEIGHTS,
	minOverlapHours: 1,
	minSharedLevel: 'conversational',
	translatablePairs: [],
	horizonStart: '2026-01-05',
	horizonWeeks: 4,
	excludedPairs: [],
	skipPairs: [],
	genderPreferenceIsHard: false,
	balance: null
};

export const GOALS: readonly string[] = ['confidence', 'creative_skills', 'portfolio', 'language_practice', 'career', 'study', 'collaboration', 'exhibition'];

const LEVEL: Record<LanguageLevel, number> = { basic: 1, conversational: 2, fluent: 3, native: 4 };
const primary = (tag: string) => tag.toLowerCase().split('-')[0]!;
const norm = (s: string) => s.trim().toLowerCase();

/** Milliseconds to add to UTC to get wall-clock time in `timeZone` at `ts`. */
function offsetAt(ts: number, timeZone: string): number {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
			.formatToParts(ts)
			.map((p) => [p.type, p.value])
	);
	return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!) - Math.floor(ts / 1000) * 1000;
}

/** UTC instant of a wall-clock time (`minutes` after midnight of the UTC date `dayStart`) in `timeZone`. */
function zoned(dayStart: number, minutes: number, timeZone: string): number {
	const wall = dayStart + minutes * 60_000;
	const first = wall - offsetAt(wall, timeZone);
	return wall - offsetAt(first, timeZone);
}

function intervals(slots: WeeklySlot[], timeZone: string, weekStart: number): Array<[number, number]> {
	const out: Array<[number, number]> = [];
	for (let i = 0; i < 7; i++) {
		const dayStart = weekStart + i * 86_400_000;
		const isoDay = ((new Date(dayStart).getUTCDay() + 6) % 7) + 1;
		for (const s of slots) if (s.day === isoDay) out.push([zoned(dayStart, s.start, timeZone), zoned(dayStart, s.end, timeZone)]);
	}
	return out;
}

/** The smallest weekly overlap, in hours, over the horizon's weeks. */
function overlapHours(a: { availability: WeeklySlot[]; timezone: string }, b: { availability: WeeklySlot[]; timezone: string }, settings: MatchingSettings): number {
	const start = Date.parse(`${settings.horizonStart}T00:00:00Z`);
	let least = Infinity;
	for (let w = 0; w < Math.max(1, settings.horizonWeeks); w++) {
		const weekStart = start + w * 7 * 86_400_000;
		const x = intervals(a.availability, a.timezone, weekStart);
		const y = intervals(b.availability, b.timezone, weekStart);
		let ms = 0;
		for (const [s1, e1] of x) for (const [s2, e2] of y) ms += Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
		least = Math.min(least, ms / 3_600_000);
	}
	return Number.isFinite(least) ? Math.round(least * 10) / 10 : 0;
}

function language(mentee: Mentee, mentor: Mentor, settings: MatchingSettings): Extract<ExplanationPart, { kind: 'language' }> | null {
	const min = LEVEL[settings.minSharedLevel];
	for (const a of mentee.languages) {
		if (LEVEL[a.level] < min) continue;
		const b = mentor.languages.find((l) => primary(l.tag) === primary(a.tag) && LEVEL[l.level] >= min);
		if (b) return { kind: 'language', shared: primary(a.tag), via: 'shared', menteeLanguage: a.tag, mentorLanguage: b.tag };
	}
	const pairs = new Set(settings.translatablePairs);
	for (const a of mentee.languages)
		for (const b of mentor.languages)
			if (pairs.has(`${primary(a.tag)}|${primary(b.tag)}`) && pairs.has(`${primary(b.tag)}|${primary(a.tag)}`))
				return { kind: 'language', shared: null, via: 'translation', menteeLanguage: a.tag, mentorLanguage: b.tag };
	return null;
}

const samePair = (list: Array<{ menteeId: string; mentorId: string }> | undefined, mentee: Mentee, mentor: Mentor) =>
	(list ?? []).some((p) => p.menteeId === mentee.id && p.mentorId === mentor.id);

/** The pair scored, or the first hard constraint that rules it out. */
function evaluate(mentee: Mentee, mentor: Mentor, settings: MatchingSettings): Proposal | ConstraintCode | null {
	if (samePair(settings.skipPairs, mentee, mentor)) return null;
	if (samePair(settings.excludedPairs, mentee, mentor)) return 'ended_by_report';
	if (mentor.capacity <= 0) return 'capacity';
	if (mentee.minor && !mentor.vettedForMinors) return 'minor_needs_vetted_mentor';
	const crossBorder = mentee.country.toUpperCase() !== mentor.country.toUpperCase();
	if (mentee.crossBorder !== null && mentee.crossBorder !== crossBorder) return 'cross_border_preference';
	const genderMet = mentee.preferredMentorGender === null ? null : norm(mentee.preferredMentorGender) === norm(mentor.gender ?? '');
	if (genderMet === false && settings.genderPreferenceIsHard) return 'gender_preference';
	const lang = language(mentee, mentor, settings);
	if (!lang) return 'no_common_language';
	const hours = overlapHours(mentee, mentor, settings);
	if (hours < settings.minOverlapHours) return 'too_little_overlap';

	const menteePassions = new Set(mentee.passions.map(norm));
	const shared = [...new Set(mentor.passions.map(norm))].filter((p) => menteePassions.has(p));
	const sharedGoals = mentor.goals.filter((g) => mentee.goals.includes(g));
	const jaccard = (n: number, a: number, b: number) => (a + b - n > 0 ? n / (a + b - n) : 0);
	const w = settings.weights;
	const parts = {
		passions: jaccard(shared.length, menteePassions.size, new Set(mentor.passions.map(norm)).size),
		language: lang.via === 'shared' ? 1 : 0.5,
		availability: Math.min(1, hours / Math.max(1, settings.minOverlapHours * 2)),
		crossBorder: mentee.crossBorder === null && crossBorder ? 1 : mentee.crossBorder !== null ? 1 : 0,
		goals: jaccard(sharedGoals.length, new Set(mentee.goals).size, new Set(mentor.goals).size),
		genderPreference: genderMet ? 1 : 0
	};
	const total = (Object.keys(parts) as (keyof typeof parts)[]).reduce((sum, k) => sum + parts[k] * w[k], 0);
	const score: ScoreBreakdown = { ...parts, total: Math.round(total * 1000) / 1000 };
	const explanation: ExplanationPart[] = [
		{ kind: 'passions', shared, related: [] },
		{ kind: 'overlap', hoursPerWeek: hours },
		lang,
		{ kind: 'border', crossBorder, menteeCountry: mentee.country, mentorCountry: mentor.country },
		{ kind: 'goals', shared: sharedGoals }
	];
	if (genderMet !== null) explanation.push({ kind: 'gender_preference', met: genderMet });
	return { menteeId: mentee.id, mentorId: mentor.id, score, overlapHoursPerWeek: hours, explanation };
}

const byScore = (a: Proposal, b: Proposal) => b.score.total - a.score.total || a.mentorId.localeCompare(b.mentorId) || a.menteeId.localeCompare(b.menteeId);

/** Eligible mentors with room, best first. */
export function rankMentors(mentee: Mentee, mentors: Mentor[], settings: MatchingSettings): Proposal[] {
	return mentors
		.map((m) => evaluate(mentee, m, settings))
		.filter((p): p is Proposal => typeof p === 'object' && p !== null)
		.sort(byScore);
}

/** Greedy: the best remaining pair first, while mentors have room. */
export function match(mentees: Mentee[], mentors: Mentor[], settings: MatchingSettings): MatchingResult {
	const candidates: Proposal[] = [];
	const ruledOut = new Map<string, Partial<Record<ConstraintCode, number>>>();
	for (const mentee of mentees) {
		const counts: Partial<Record<ConstraintCode, number>> = {};
		for (const mentor of mentors) {
			const r = evaluate(mentee, mentor, settings);
			if (typeof r === 'string') counts[r] = (counts[r] ?? 0) + 1;
			else if (r) candidates.push(r);
		}
		ruledOut.set(mentee.id, counts);
	}
	const room = new Map(mentors.map((m) => [m.id, m.capacity]));
	const taken = new Set<string>();
	const proposals: Proposal[] = [];
	for (const p of candidates.sort(byScore)) {
		if (taken.has(p.menteeId) || (room.get(p.mentorId) ?? 0) <= 0) continue;
		taken.add(p.menteeId);
		room.set(p.mentorId, room.get(p.mentorId)! - 1);
		proposals.push(p);
	}
	const unmatched: Unmatched[] = mentees
		.filter((m) => !taken.has(m.id))
		.map((m) => {
			const counts = ruledOut.get(m.id) ?? {};
			const hadCandidate = candidates.some((c) => c.menteeId === m.id);
			const strongest = (Object.entries(counts) as [ConstraintCode, number][]).sort((a, b) => b[1] - a[1])[0]?.[0];
			return { menteeId: m.id, reason: hadCandidate ? 'mentors_full' : (strongest ?? 'no_eligible_mentor'), ruledOut: counts };
		});
	return { proposals, unmatched, totalScore: Math.round(proposals.reduce((s, p) => s + p.score.total, 0) * 1000) / 1000 };
}

/** One English sentence per part (the engine's explain renders them in the reader's language). */
export function explain(parts: ExplanationPart[], _locale: string): string[] {
	return parts.flatMap((p): string[] => {
		switch (p.kind) {
			case 'passions':
				return p.shared.length ? [`You share: ${p.shared.join(', ')}.`] : [];
			case 'overlap':
				return [`${p.hoursPerWeek} hours a week when you are both free.`];
			case 'language':
				return [p.via === 'shared' ? `You both speak ${p.shared}.` : `You can talk through translation (${p.menteeLanguage} and ${p.mentorLanguage}).`];
			case 'border':
				return [p.crossBorder ? `Across borders: ${p.menteeCountry} and ${p.mentorCountry}.` : `Both in ${p.mentorCountry}.`];
			case 'goals':
				return p.shared.length ? [`Shared goals: ${p.shared.join(', ')}.`] : [];
			case 'gender_preference':
				return [p.met ? 'Matches the preference you gave.' : 'Does not match the preference you gave.'];
		}
	});
}
