/**
 * The evaluation dashboards' data, as the server sends it to the page, the JSON API and the CSV export. Every figure
 * that describes people is a `Cell`: the server has already withheld any that would describe fewer than
 * `MIN_CELL_PEOPLE` people (and, where a total is shown, one more so that the withheld one cannot be worked out).
 * Nothing below the threshold ever leaves the server.
 */

/** No figure may describe fewer people than this. */
export const MIN_CELL_PEOPLE = 5;

/** A figure, or `null` when it is withheld because it would describe fewer than five people. */
export type Cell = number | null;

/** The filters of a dashboard. Weeks start on Monday 00:00 in `timeZone`. */
export interface EvaluationFilter {
	/** A published matching round's id, `self` (pairs that matched on request or by hand), or null for everyone. */
	cohort: string | null;
	/** First and last day (inclusive, YYYY-MM-DD in `timeZone`). */
	from: string;
	to: string;
	timeZone: string;
	/** A pair is quiet after this many days without a message or an edit. */
	quietDays: number;
}

export interface CohortOption {
	id: string;
	/** For a round, the day it was published (YYYY-MM-DD); for `self`, empty. */
	publishedOn: string;
	/** Pairs that started in it with both people consenting. */
	pairs: Cell;
}

/** A labelled count, e.g. participants from one country. `key` is a code (country, tag, band), not a translation. */
export interface CountRow {
	key: string;
	count: Cell;
}

/** A histogram bin: `[min, max]` inclusive; `max` null means "and more". */
export interface Bin {
	min: number;
	max: number | null;
	count: Cell;
}

export interface Spread {
	median: Cell;
	p25: Cell;
	p75: Cell;
}

export interface WeekRow {
	/** The Monday that starts the week, YYYY-MM-DD in the filter's time zone. */
	week: string;
	messages: Cell;
	/** People who wrote or edited at least once in the week. */
	activePeople: Cell;
	/** Pairs with at least one message that week. */
	activePairs: Cell;
	activeCollectives: Cell;
	/** Median over active pairs of messages in the week, and of days with a message. */
	pairMessagesMedian: Cell;
	pairActiveDaysMedian: Cell;
	collectiveMessagesMedian: Cell;
	collectiveActiveDaysMedian: Cell;
}

export interface Communication {
	weeks: WeekRow[];
	/** Messages per pair over the whole period: pairs per bin, and the spread. */
	pairMessages: { bins: Bin[]; spread: Spread; pairs: Cell };
	collectiveMessages: { bins: Bin[]; spread: Spread; collectives: Cell };
	/** Active days per pair over the period. */
	pairActiveDays: Spread;
	collectiveActiveDays: Spread;
}

export interface QuietPair {
	mentorshipId: string;
	spaceId: string | null;
	mentee: string;
	mentor: string;
	/** Last message or edit in the pair's space (ISO), or null when there was none. */
	lastActivityAt: string | null;
	/** Whole days since the last activity, or since activation when there was none. */
	quietDays: number;
}

export interface CoCreation {
	works: Cell;
	texts: Cell;
	canvases: Cell;
	/** Works with counted contributors from two or more countries. */
	crossBorderWorks: Cell;
	/** crossBorderWorks / works, 0..1; null when either is withheld. */
	crossBorderShare: number | null;
	/** Spaces by how many works they hold. */
	worksPerSpace: Bin[];
	/** Works by how many counted contributors they have. */
	contributorsPerWork: Bin[];
	/** Contributors by how many edits (Yjs updates) they made across works, and the spread. */
	editsPerContributor: { bins: Bin[]; spread: Spread; contributors: Cell };
	/** Weekly count of works edited (any counted contributor's edit that week). */
	weeks: { week: string; worksEdited: Cell; contributors: Cell }[];
}

export interface LanguagePairRow {
	/** Two reading languages, sorted and joined by "|" ("en|pt"); a single tag when the pair shares one; or `other`. */
	key: string;
	/**
	 * The pair's members read different languages, so their chat goes through machine translation. Key `other`
	 * gathers the pairs of languages too few people share to be named; null when it holds both kinds.
	 */
	machineTranslated: boolean | null;
	pairs: Cell;
	people: Cell;
}

export interface Reach {
	participants: Cell;
	/** Countries with five people or more; the rest together as `other`. */
	byCountry: CountRow[];
	byRole: CountRow[];
	/** Keys: `under-13`, `13-15`, `16-17`, `18-24`, `25-39`, `40-64`, `65+`. */
	byAgeBand: CountRow[];
	/** Self-described gender as normalised keys (`woman`, `man`, `non-binary`, `other`, `not-said`). */
	byGender: CountRow[];
	/** Mentees and mentors with a live or finished mentorship, and those without one. */
	matched: { matched: Cell; unmatched: Cell };
	languagePairs: LanguagePairRow[];
	/** Pairs whose chat relies on machine translation, and all pairs counted. */
	translatedPairs: Cell;
	pairs: Cell;
}

export interface LikertDistribution {
	questionId: string;
	prompt: string;
	/** Answers per option for each phase present. */
	phases: { phase: 'pre' | 'post' | 'other'; respondents: Cell; counts: Cell[] }[];
}

export interface PairedChange {
	questionId: string;
	prompt: string;
	/** People with both a pre and a post answer. */
	pairs: Cell;
	/** Mean of post − pre, with its 95% confidence interval (paired t); null when withheld or pairs < 2. */
	meanChange: number | null;
	ciLow: number | null;
	ciHigh: number | null;
	/** Two-sided p of the paired t-test, and of the Wilcoxon signed-rank test as a check on it. */
	pT: number | null;
	pWilcoxon: number | null;
}

export interface SurveyResults {
	surveyId: string;
	title: string;
	questions: {
		questionId: string;
		kind: 'likert' | 'choice' | 'text';
		prompt: string;
		choices: string[];
		phases: { phase: 'pre' | 'post' | 'other'; respondents: Cell; counts: Cell[] }[];
		/** Free-text answers, translated into the lead's language, with no name; only when at least five answered. */
		texts: { text: string; original: string; lang: string }[] | null;
	}[];
	changes: PairedChange[];
}

export interface Dashboard {
	filter: EvaluationFilter;
	cohorts: CohortOption[];
	generatedAt: string;
	/** People left out because they have not given (or withdrew) consent to evaluation use. */
	withoutConsent: Cell;
	communication: Communication;
	coCreation: CoCreation;
	reach: Reach;
	surveys: SurveyResults[];
}

/** Moderators and admins: how safeguarding is going. Counts reports and held texts by consenting people. */
export interface SafeguardingHealth {
	filter: EvaluationFilter;
	reportsOpened: Cell;
	reportsClosed: Cell;
	reportsOpenNow: Cell;
	/** Median hours from a report to the first moderator action on it (or its resolution). */
	medianHoursToFirstAction: Cell;
	held: { held: Cell; approved: Cell; rejected: Cell; superseded: Cell; blocked: Cell };
	weeks: { week: string; reportsOpened: Cell; held: Cell }[];
}
