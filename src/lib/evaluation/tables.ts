import { m } from '$lib/paraglide/messages.js';
import { RTL_LOCALES, type UiLocale } from '$lib/i18n/locales';
import type { Bin, Cell, CountRow, Dashboard, SafeguardingHealth, Spread, SurveyResults } from '$lib/protocol/evaluation';

/**
 * Every figure of the evaluation dashboards as tables with a title and a summary in the reader's language. The page's
 * data tables, the CSV export and the printable report all read these, so they always agree; charts draw the same data.
 */

/** A number and how to show it; a string is a label. `null` numbers are withheld (fewer than five people). */
export type Value = string | { n: Cell; style?: 'count' | 'percent' | 'decimal' | 'signed' | 'p' };

export interface DataTable {
	caption: string;
	/** The first column's heading: what each row is. */
	rowHeading: string;
	columns: string[];
	rows: { label: string; lang?: string; values: Value[] }[];
}

export interface Section {
	/** Stable, for anchors, `?chart=` and tests: `activity`, `country`, `survey-<id>-change`... */
	id: string;
	title: string;
	summary: string;
	tables: DataTable[];
	/** Free-text answers (survey answer sections only), already translated, without names. */
	texts?: { text: string; original: string; lang: string }[];
}

export interface Fmt {
	locale: UiLocale;
	/** A number, or "fewer than 5" when withheld. */
	value(v: Value): string;
	count(n: number): string;
	/** Monday YYYY-MM-DD as "2 Mar 2026". */
	day(date: string): string;
}

export function formatter(locale: UiLocale): Fmt {
	const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
	const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
	const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2, signDisplay: 'exceptZero' });
	const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
	const p = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 });
	const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
	return {
		locale,
		count: (n) => count.format(n),
		day: (date) => day.format(new Date(`${date}T00:00:00Z`)),
		value(v) {
			if (typeof v === 'string') return v;
			// A withheld median, share or test result is not "fewer than 5" of anything: say it is withheld.
			if (v.n === null) return v.style === undefined || v.style === 'count' ? m.eval_withheld({}, { locale }) : m.eval_withheld_value({}, { locale });
			switch (v.style) {
				case 'percent':
					return percent.format(v.n);
				case 'decimal':
					return decimal.format(v.n);
				case 'signed':
					return signed.format(v.n);
				case 'p':
					return v.n < 0.001 ? `< ${p.format(0.001)}` : p.format(v.n);
				default:
					return count.format(v.n);
			}
		}
	};
}

/** The options of a closed question as the lead reads them: a scale's five points, or the choices. */
export function optionLabels(q: { kind: 'likert' | 'choice' | 'text'; choices: string[] }, locale: UiLocale): string[] {
	if (q.kind !== 'likert') return q.choices;
	const o = { locale };
	const nf = new Intl.NumberFormat(locale);
	return [1, 2, 3, 4, 5].map((v) => (v === 1 ? `${nf.format(1)} – ${m.survey_likert_low({}, o)}` : v === 5 ? `${nf.format(5)} – ${m.survey_likert_high({}, o)}` : nf.format(v)));
}

const n = (value: Cell, style?: 'count' | 'percent' | 'decimal' | 'signed' | 'p'): Value => ({ n: value, style });
const known = (cells: Cell[]) => cells.filter((c): c is number => c !== null);
const withheldCount = (tables: DataTable[]) => tables.flatMap((t) => t.rows.flatMap((r) => r.values)).filter((v) => typeof v !== 'string' && v.n === null).length;

/** "1–9", "50 or more", "3". */
export function binLabel(bin: Bin, fmt: Fmt): string {
	if (bin.max === null) return m.eval_bin_more({ min: fmt.count(bin.min) }, { locale: fmt.locale });
	return bin.min === bin.max ? fmt.count(bin.min) : `${fmt.count(bin.min)}–${fmt.count(bin.max)}`;
}

export function regionLabel(code: string, locale: UiLocale): string {
	if (code === 'other') return m.eval_key_other({}, { locale });
	try {
		return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
	} catch {
		return code;
	}
}

function language(tag: string, locale: UiLocale): string {
	if (tag === 'other') return m.eval_key_other({}, { locale });
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** A language pair key ("en|pt-BR") as "English ↔ Brazilian Portuguese". */
export function languagePairLabel(key: string, locale: UiLocale): string {
	return key
		.split('|')
		.map((tag) => language(tag, locale))
		.join(' ↔ ');
}

export function keyLabel(kind: 'gender' | 'age' | 'role', key: string, locale: UiLocale): string {
	const o = { locale };
	const labels: Record<string, () => string> =
		kind === 'gender'
			? { woman: () => m.eval_gender_woman({}, o), man: () => m.eval_gender_man({}, o), 'non-binary': () => m.eval_gender_non_binary({}, o), other: () => m.eval_key_other({}, o), 'not-said': () => m.eval_gender_not_said({}, o) }
			: kind === 'role'
				? { mentee: () => m.role_mentee({}, o), mentor: () => m.role_mentor({}, o), moderator: () => m.role_moderator({}, o), admin: () => m.role_admin({}, o) }
				: { 'under-13': () => m.eval_age_under({ age: 13 }, o), '65+': () => m.eval_age_over({ age: 65 }, o) };
	return labels[key]?.() ?? key.replace('-', '–');
}

/** Summary sentence shared by the count breakdowns: the largest group, and what is withheld. */
function countSummary(rows: { label: string; count: Cell }[], total: Cell, fmt: Fmt): string {
	const locale = fmt.locale;
	const shown = rows.filter((r) => r.count !== null).sort((a, b) => b.count! - a.count!);
	const parts: string[] = [];
	if (shown[0]) parts.push(m.eval_sum_largest({ label: shown[0].label, count: fmt.count(shown[0].count!), total: fmt.value(n(total)) }, { locale }));
	else parts.push(m.eval_sum_all_withheld({}, { locale }));
	return parts.join(' ');
}

function withheldNote(tables: DataTable[], locale: UiLocale): string {
	const count = withheldCount(tables);
	return count > 0 ? ` ${m.eval_sum_withheld({ count }, { locale })}` : '';
}

function countTable(caption: string, rowHeading: string, rows: CountRow[], label: (key: string) => string, locale: UiLocale): DataTable {
	return { caption, rowHeading, columns: [m.eval_col_people({}, { locale })], rows: rows.map((r) => ({ label: label(r.key), values: [n(r.count)] })) };
}

function binTable(caption: string, rowHeading: string, column: string, bins: Bin[], fmt: Fmt): DataTable {
	return { caption, rowHeading, columns: [column], rows: bins.map((b) => ({ label: binLabel(b, fmt), values: [n(b.count)] })) };
}

function spreadSentence(spread: Spread, fmt: Fmt): string {
	if (spread.median === null || spread.p25 === null || spread.p75 === null) return '';
	return m.eval_sum_spread({ median: fmt.value(n(spread.median)), p25: fmt.value(n(spread.p25)), p75: fmt.value(n(spread.p75)) }, { locale: fmt.locale });
}

/** Messages went from … to …, from the first to the last week that can be shown. */
function trendSentence(weeks: { week: string; value: Cell }[], fmt: Fmt, what: 'messages' | 'reports'): string {
	const locale = fmt.locale;
	const shown = weeks.filter((w) => w.value !== null);
	if (shown.length === 0) return m.eval_sum_all_withheld({}, { locale });
	const first = shown[0]!;
	const last = shown[shown.length - 1]!;
	const params = { from: fmt.count(first.value!), fromWeek: fmt.day(first.week), to: fmt.count(last.value!), toWeek: fmt.day(last.week) };
	if (what === 'reports') return m.eval_sum_reports_trend(params, { locale });
	if (last.value! > first.value!) return m.eval_sum_messages_rose(params, { locale });
	if (last.value! < first.value!) return m.eval_sum_messages_fell(params, { locale });
	return m.eval_sum_messages_same(params, { locale });
}

/**
 * Text from the data (a survey's title or prompt) inside a sentence of a right-to-left page, isolated so its own
 * direction cannot reorder the sentence around it (Unicode first-strong isolate).
 */
function isolate(text: string, locale: UiLocale): string {
	return RTL_LOCALES.has(locale) ? `\u2068${text}\u2069` : text;
}

function surveySections(survey: SurveyResults, fmt: Fmt): Section[] {
	const locale = fmt.locale;
	const o = { locale };
	const title = isolate(survey.title, locale);
	const phaseLabel = (phase: 'pre' | 'post' | 'other') => (phase === 'pre' ? m.eval_phase_pre({}, o) : phase === 'post' ? m.eval_phase_post({}, o) : m.eval_phase_other({}, o));
	const sections: Section[] = [];
	if (survey.changes.length > 0) {
		const table: DataTable = {
			caption: m.eval_survey_change_caption({ title }, o),
			rowHeading: m.eval_col_question({}, o),
			columns: [m.eval_col_paired({}, o), m.eval_col_mean_change({}, o), m.eval_col_ci_low({}, o), m.eval_col_ci_high({}, o), m.eval_col_p_t({}, o), m.eval_col_p_wilcoxon({}, o)],
			rows: survey.changes.map((c) => ({ label: c.prompt, values: [n(c.pairs), n(c.meanChange, 'signed'), n(c.ciLow, 'signed'), n(c.ciHigh, 'signed'), n(c.pT, 'p'), n(c.pWilcoxon, 'p')] }))
		};
		const known = survey.changes.filter((c) => c.meanChange !== null);
		const biggest = [...known].sort((a, b) => Math.abs(b.meanChange!) - Math.abs(a.meanChange!))[0];
		const summary = biggest
			? m.eval_sum_change({ prompt: isolate(biggest.prompt, locale), change: fmt.value(n(biggest.meanChange, 'signed')), low: fmt.value(n(biggest.ciLow, 'signed')), high: fmt.value(n(biggest.ciHigh, 'signed')), pairs: fmt.value(n(biggest.pairs)) }, o)
			: m.eval_sum_change_none({}, o);
		const missing = survey.changes.length - known.length;
		sections.push({
			id: `survey-${survey.surveyId}-change`,
			title: m.eval_survey_change_title({ title }, o),
			summary: summary + (missing > 0 ? ` ${m.eval_sum_change_missing({ count: missing }, o)}` : ''),
			tables: [table]
		});
	}
	const closed = survey.questions.filter((q) => q.kind !== 'text');
	const tables: DataTable[] = closed.map((q) => ({
		caption: q.prompt,
		rowHeading: m.eval_col_phase({}, o),
		columns: [m.eval_col_respondents({}, o), ...optionLabels(q, locale)],
		rows: q.phases.map((p) => ({ label: phaseLabel(p.phase), values: [n(p.respondents), ...optionLabels(q, locale).map((_, i) => n(p.counts[i] ?? null))] }))
	}));
	const texts = survey.questions.filter((q) => q.kind === 'text');
	const answerTexts = texts.flatMap((q) => q.texts ?? []);
	const counted = known(survey.questions.flatMap((q) => q.phases.map((p) => p.respondents)));
	sections.push({
		id: `survey-${survey.surveyId}-answers`,
		title: m.eval_survey_answers_title({ title }, o),
		summary:
			(counted.length > 0
				? m.eval_sum_answers({ questions: fmt.count(survey.questions.length), respondents: fmt.count(Math.max(...counted)) }, o)
				: m.eval_sum_answers_withheld({ questions: fmt.count(survey.questions.length) }, o)) + withheldNote(tables, locale),
		tables,
		texts: answerTexts.length > 0 ? answerTexts : undefined
	});
	return sections;
}

/** The dashboard's sections, in the page's order. */
export function dashboardSections(d: Dashboard, locale: UiLocale): Section[] {
	const fmt = formatter(locale);
	const o = { locale };
	const c = d.communication;
	const weekCol = m.eval_col_week({}, o);

	const activityTable: DataTable = {
		caption: m.eval_activity_caption({}, o),
		rowHeading: weekCol,
		columns: [m.eval_col_messages({}, o), m.eval_col_active_people({}, o), m.eval_col_active_pairs({}, o), m.eval_col_pair_median({}, o), m.eval_col_active_collectives({}, o)],
		rows: c.weeks.map((w) => ({ label: fmt.day(w.week), values: [n(w.messages), n(w.activePeople), n(w.activePairs), n(w.pairMessagesMedian, 'decimal'), n(w.activeCollectives)] }))
	};
	const activity: Section = {
		id: 'activity',
		title: m.eval_activity_title({}, o),
		summary:
			trendSentence(c.weeks.map((w) => ({ week: w.week, value: w.messages })), fmt, 'messages') +
			(c.pairMessages.spread.median !== null ? ` ${m.eval_sum_pair_median({ median: fmt.count(c.pairMessages.spread.median) }, o)}` : '') +
			withheldNote([activityTable], locale),
		tables: [activityTable]
	};

	const pairTables = [
		binTable(m.eval_pair_messages_caption({}, o), m.eval_col_messages_per_pair({}, o), m.eval_col_pairs({}, o), c.pairMessages.bins, fmt),
		binTable(m.eval_collective_messages_caption({}, o), m.eval_col_messages_per_collective({}, o), m.eval_col_collectives({}, o), c.collectiveMessages.bins, fmt),
		{
			caption: m.eval_spread_caption({}, o),
			rowHeading: m.eval_col_measure({}, o),
			columns: [m.eval_col_median({}, o), m.eval_col_p25({}, o), m.eval_col_p75({}, o)],
			rows: [
				{ label: m.eval_row_pair_messages({}, o), values: [n(c.pairMessages.spread.median, 'decimal'), n(c.pairMessages.spread.p25, 'decimal'), n(c.pairMessages.spread.p75, 'decimal')] },
				{ label: m.eval_row_pair_days({}, o), values: [n(c.pairActiveDays.median, 'decimal'), n(c.pairActiveDays.p25, 'decimal'), n(c.pairActiveDays.p75, 'decimal')] },
				{ label: m.eval_row_collective_messages({}, o), values: [n(c.collectiveMessages.spread.median, 'decimal'), n(c.collectiveMessages.spread.p25, 'decimal'), n(c.collectiveMessages.spread.p75, 'decimal')] },
				{ label: m.eval_row_collective_days({}, o), values: [n(c.collectiveActiveDays.median, 'decimal'), n(c.collectiveActiveDays.p25, 'decimal'), n(c.collectiveActiveDays.p75, 'decimal')] }
			]
		} satisfies DataTable
	];
	const pairMessages: Section = {
		id: 'pair-messages',
		title: m.eval_pair_messages_title({}, o),
		summary: m.eval_sum_pairs({ pairs: fmt.value(n(c.pairMessages.pairs)) }, o) + ' ' + spreadSentence(c.pairMessages.spread, fmt) + withheldNote(pairTables.slice(0, 1), locale),
		tables: pairTables
	};

	const cc = d.coCreation;
	const coTables: DataTable[] = [
		{
			caption: m.eval_works_caption({}, o),
			rowHeading: m.eval_col_measure({}, o),
			columns: [m.eval_col_value({}, o)],
			rows: [
				{ label: m.eval_row_works({}, o), values: [n(cc.works)] },
				{ label: m.eval_row_texts({}, o), values: [n(cc.texts)] },
				{ label: m.eval_row_canvases({}, o), values: [n(cc.canvases)] },
				{ label: m.eval_row_cross_border({}, o), values: [n(cc.crossBorderWorks)] },
				{ label: m.eval_row_cross_border_share({}, o), values: [n(cc.crossBorderShare, 'percent')] }
			]
		},
		binTable(m.eval_contributors_caption({}, o), m.eval_col_contributors_per_work({}, o), m.eval_col_works({}, o), cc.contributorsPerWork, fmt),
		binTable(m.eval_works_per_space_caption({}, o), m.eval_col_works_per_space({}, o), m.eval_col_spaces({}, o), cc.worksPerSpace, fmt),
		binTable(m.eval_edits_caption({}, o), m.eval_col_edits({}, o), m.eval_col_contributors({}, o), cc.editsPerContributor.bins, fmt),
		{
			caption: m.eval_works_weekly_caption({}, o),
			rowHeading: weekCol,
			columns: [m.eval_col_works_edited({}, o), m.eval_col_contributors({}, o)],
			rows: cc.weeks.map((w) => ({ label: fmt.day(w.week), values: [n(w.worksEdited), n(w.contributors)] }))
		}
	];
	const coCreation: Section = {
		id: 'co-creation',
		title: m.eval_co_creation_title({}, o),
		summary:
			m.eval_sum_works({ works: fmt.value(n(cc.works)), texts: fmt.value(n(cc.texts)), canvases: fmt.value(n(cc.canvases)) }, o) +
			' ' +
			(cc.crossBorderShare !== null ? m.eval_sum_cross_border({ share: fmt.value(n(cc.crossBorderShare, 'percent')) }, o) : m.eval_sum_cross_border_withheld({}, o)) +
			withheldNote(coTables.slice(1, 2), locale),
		tables: coTables
	};

	const r = d.reach;
	const balance = (id: string, title: string, caption: string, rowHeading: string, rows: CountRow[], label: (key: string) => string): Section => {
		const table = countTable(caption, rowHeading, rows, label, locale);
		return { id, title, summary: countSummary(rows.map((row) => ({ label: label(row.key), count: row.count })), r.participants, fmt) + withheldNote([table], locale), tables: [table] };
	};
	const reach: Section[] = [
		balance('country', m.eval_country_title({}, o), m.eval_country_caption({}, o), m.eval_col_country({}, o), r.byCountry, (k) => regionLabel(k, locale)),
		balance('gender', m.eval_gender_title({}, o), m.eval_gender_caption({}, o), m.eval_col_gender({}, o), r.byGender, (k) => keyLabel('gender', k, locale)),
		balance('age', m.eval_age_title({}, o), m.eval_age_caption({}, o), m.eval_col_age({}, o), r.byAgeBand, (k) => keyLabel('age', k, locale)),
		balance('role', m.eval_role_title({}, o), m.eval_role_caption({}, o), m.eval_col_role({}, o), r.byRole, (k) => keyLabel('role', k, locale))
	];
	reach[3]!.tables.push({
		caption: m.eval_matched_caption({}, o),
		rowHeading: m.eval_col_measure({}, o),
		columns: [m.eval_col_people({}, o)],
		rows: [
			{ label: m.eval_row_matched({}, o), values: [n(r.matched.matched)] },
			{ label: m.eval_row_unmatched({}, o), values: [n(r.matched.unmatched)] }
		]
	});
	const languageTable: DataTable = {
		caption: m.eval_languages_caption({}, o),
		rowHeading: m.eval_col_languages({}, o),
		columns: [m.eval_col_machine_translated({}, o), m.eval_col_pairs({}, o), m.eval_col_people({}, o)],
		rows: r.languagePairs.map((p) => ({ label: languagePairLabel(p.key, locale), values: [p.machineTranslated === null ? m.eval_mixed({}, o) : p.machineTranslated ? m.eval_yes({}, o) : m.eval_no({}, o), n(p.pairs), n(p.people)] }))
	};
	reach.push({
		id: 'languages',
		title: m.eval_languages_title({}, o),
		summary:
			(r.translatedPairs !== null && r.pairs !== null ? m.eval_sum_translated({ translated: fmt.count(r.translatedPairs), pairs: fmt.count(r.pairs) }, o) : m.eval_sum_translated_withheld({}, o)) +
			withheldNote([languageTable], locale),
		tables: [languageTable]
	});

	return [activity, pairMessages, coCreation, ...reach, ...d.surveys.flatMap((s) => surveySections(s, fmt))];
}

/** Safeguarding health as sections: the totals, and the weekly series. */
export function healthSections(h: SafeguardingHealth, locale: UiLocale): Section[] {
	const fmt = formatter(locale);
	const o = { locale };
	const totals: DataTable = {
		caption: m.eval_health_totals_caption({}, o),
		rowHeading: m.eval_col_measure({}, o),
		columns: [m.eval_col_value({}, o)],
		rows: [
			{ label: m.eval_health_opened({}, o), values: [n(h.reportsOpened)] },
			{ label: m.eval_health_closed({}, o), values: [n(h.reportsClosed)] },
			{ label: m.eval_health_open_now({}, o), values: [n(h.reportsOpenNow)] },
			{ label: m.eval_health_hours({}, o), values: [n(h.medianHoursToFirstAction, 'decimal')] },
			{ label: m.eval_health_held({}, o), values: [n(h.held.held)] },
			{ label: m.eval_health_approved({}, o), values: [n(h.held.approved)] },
			{ label: m.eval_health_rejected({}, o), values: [n(h.held.rejected)] },
			{ label: m.eval_health_superseded({}, o), values: [n(h.held.superseded)] },
			{ label: m.eval_health_blocked({}, o), values: [n(h.held.blocked)] }
		]
	};
	const weekly: DataTable = {
		caption: m.eval_health_weeks_caption({}, o),
		rowHeading: m.eval_col_week({}, o),
		columns: [m.eval_health_opened({}, o), m.eval_health_held({}, o)],
		rows: h.weeks.map((w) => ({ label: fmt.day(w.week), values: [n(w.reportsOpened), n(w.held)] }))
	};
	return [
		{
			id: 'health-totals',
			title: m.eval_health_totals_title({}, o),
			summary:
				(h.medianHoursToFirstAction !== null ? m.eval_sum_health({ opened: fmt.value(n(h.reportsOpened)), open: fmt.value(n(h.reportsOpenNow)), hours: fmt.value(n(h.medianHoursToFirstAction, 'decimal')) }, o) : m.eval_sum_health_no_hours({ opened: fmt.value(n(h.reportsOpened)), open: fmt.value(n(h.reportsOpenNow)) }, o)) +
				withheldNote([totals], locale),
			tables: [totals]
		},
		{
			id: 'health-weeks',
			title: m.eval_health_weeks_title({}, o),
			summary: trendSentence(h.weeks.map((w) => ({ week: w.week, value: w.reportsOpened })), fmt, 'reports') + withheldNote([weekly], locale),
			tables: [weekly]
		}
	];
}
