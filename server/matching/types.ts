/**
 * The matching engine's contract: plain data in, plain data out, no I/O. The service reads people from the
 * database into these shapes, calls the engine (server/matching/index.ts: match, rankMentors, explain), and
 * stores what it returns.
 */

export type LanguageLevel = 'native' | 'fluent' | 'conversational' | 'basic';

export interface Language {
	/** BCP 47 tag, canonical form ("es", "pt-BR"). */
	tag: string;
	level: LanguageLevel;
}

/**
 * One stretch of weekly availability in the person's own time zone: `day` 1 = Monday … 7 = Sunday (ISO),
 * `start`/`end` minutes after local midnight (0–1440, end > start; a stretch past midnight is two slots).
 * Wall-clock times: on the nights clocks change, a stretch lasts what the clock says (overlap.ts).
 */
export interface WeeklySlot {
	day: 1 | 2 | 3 | 4 | 5 | 6 | 7;
	start: number;
	end: number;
}

interface Person {
	id: string;
	/** ISO 3166-1 alpha-2. */
	country: string;
	/** IANA time zone ("Asia/Kolkata"). */
	timezone: string;
	languages: Language[];
	/** Free tags as people typed them ("mural painting"); the engine normalises and compares them. */
	passions: string[];
	availability: WeeklySlot[];
	/** Goal tags from the program's list (GOALS in ./goals.ts). */
	goals: string[];
	/** Self-described, optional; used only for preferences and cohort balance. */
	gender: string | null;
}

export interface Mentee extends Person {
	minor: boolean;
	/** true: only mentors in another country; false: only the same country; null: no preference (bonus applies). */
	crossBorder: boolean | null;
	/** A mentor gender the mentee asked for; soft (scored) unless settings.genderPreferenceIsHard. */
	preferredMentorGender: string | null;
}

export interface Mentor extends Person {
	/** How many mentees this mentor can take in this round (0 = none). */
	capacity: number;
	/** Vetted for work with minors (background check done by the program). */
	vettedForMinors: boolean;
}

export interface Weights {
	passions: number;
	language: number;
	availability: number;
	crossBorder: number;
	goals: number;
	genderPreference: number;
}

export interface MatchingSettings {
	weights: Weights;
	/** Minimum weekly overlap, in hours, in every week of the horizon (the mentee's weeks: overlap.ts). */
	minOverlapHours: number;
	/** Lowest level at which a shared language counts as usable without translation. */
	minSharedLevel: LanguageLevel;
	/**
	 * Language pairs the configured translator supports, as "src|tgt" primary subtags ("en|es"); a pair with no
	 * usable shared language is communicable only when both directions are here. Empty: translation is off.
	 */
	translatablePairs: string[];
	/** First day (YYYY-MM-DD) of the weeks over which availability overlap is computed. */
	horizonStart: string;
	/** Number of weeks from horizonStart; overlap is the minimum over these weeks (DST changes inside count). */
	horizonWeeks: number;
	/** Pairs never to be proposed again: ended because of a report. */
	excludedPairs: Array<{ menteeId: string; mentorId: string }>;
	/** Pairs that must not be proposed in this run (declined, already active, ...); no reason shown. */
	skipPairs?: Array<{ menteeId: string; mentorId: string }>;
	genderPreferenceIsHard?: boolean;
	/**
	 * Cohort balance: among the round's proposals, no mentor gender (as mentors wrote it, trimmed and case-folded)
	 * has more than `maxShareByMentorGender` (0–1) of them; mentors who gave no gender are not limited. The rule
	 * covers the whole round: a limit on only the mentees who asked for it is not a flow constraint and could not
	 * be kept exactly (server/matching/balance.ts explains why and how the rule is kept).
	 */
	balance?: { maxShareByMentorGender: number } | null;
}

/** Why a pair was refused, or why a person stayed unmatched: codes the UI turns into sentences. */
export type ConstraintCode =
	| 'capacity'
	| 'minor_needs_vetted_mentor'
	| 'no_common_language'
	| 'too_little_overlap'
	| 'ended_by_report'
	| 'cross_border_preference'
	| 'gender_preference'
	| 'no_eligible_mentor'
	| 'mentors_full'
	| 'balance';

/**
 * One line of an explanation, rendered in the reader's UI language by explain.ts. Passions are as the mentee
 * wrote them (related ones as [mentee's, mentor's]); hours are exact (minutes ÷ 60) in the worst week.
 */
export type ExplanationPart =
	| { kind: 'passions'; shared: string[]; related: Array<[string, string]> }
	| { kind: 'overlap'; hoursPerWeek: number }
	| { kind: 'language'; shared: string | null; via: 'shared' | 'translation'; menteeLanguage: string; mentorLanguage: string }
	| { kind: 'border'; crossBorder: boolean; menteeCountry: string; mentorCountry: string }
	| { kind: 'goals'; shared: string[] }
	| { kind: 'gender_preference'; met: boolean };

export interface ScoreBreakdown {
	passions: number;
	language: number;
	availability: number;
	crossBorder: number;
	goals: number;
	genderPreference: number;
	/** Weighted sum of the components (each in [0, 1]), rounded to thousandths: the figure the assignment maximises. */
	total: number;
}

export interface Proposal {
	menteeId: string;
	mentorId: string;
	score: ScoreBreakdown;
	overlapHoursPerWeek: number;
	explanation: ExplanationPart[];
}

export interface Unmatched {
	menteeId: string;
	/**
	 * `no_eligible_mentor` (no mentor passes the constraints: see ruledOut), `mentors_full` (some did, all were
	 * full), or `balance` (one that fits still had room, but the balance rule kept them apart).
	 */
	reason: ConstraintCode;
	/**
	 * How many mentors each constraint ruled out for this mentee, each mentor counted once, under the first
	 * constraint that rules it out in the engine's order (score.ts PAIR_CONSTRAINTS). Skipped pairs are not counted.
	 */
	ruledOut: Partial<Record<ConstraintCode, number>>;
}

/** Proposals and unmatched mentees, each ordered by mentee id. */
export interface MatchingResult {
	proposals: Proposal[];
	unmatched: Unmatched[];
	/** Sum of the proposals' score totals (exact in thousandths). */
	totalScore: number;
}
