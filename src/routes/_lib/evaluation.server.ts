import type { RequestEvent } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { m } from '$lib/paraglide/messages.js';
import type { UiLocale } from '$lib/i18n/locales';
import type { CohortOption, EvaluationFilter } from '$lib/protocol/evaluation';
import { formatCalendarDate } from './options.server';

const FILTER_KEYS = ['cohort', 'from', 'to', 'quietDays'] as const;

/**
 * The dashboard's filter from the address. A malformed one is not an error page: the page shows the defaults and says
 * which field was wrong, with what was typed kept in the form.
 */
export function readFilter(event: Pick<RequestEvent, 'locals' | 'url'>, timeZone: string, keys: readonly (typeof FILTER_KEYS)[number][] = FILTER_KEYS) {
	const { app, locale } = event.locals;
	// Empty fields (e.g. "Everyone" in the cohort select) mean "the default", as if they were not sent; a page reads only the fields it has.
	const query = new URLSearchParams(keys.flatMap((k) => (event.url.searchParams.get(k)?.trim() ? [[k, event.url.searchParams.get(k)!.trim()]] : [])));
	try {
		return { filter: app.evaluation.parseFilter({ query, timeZone }), message: null, errors: {} as Record<string, string>, query };
	} catch (e) {
		if (!isAppError(e)) throw e;
		const errors = Object.fromEntries(Object.entries(e.fields ?? {}).map(([field, code]) => [field, errorMessage(code, locale)]));
		return { filter: app.evaluation.parseFilter({ query: new URLSearchParams(), timeZone }), message: errorMessage(e.code, locale), errors, query };
	}
}

/** The filter as query parameters, for links that keep it (CSV, report). */
export function filterQuery(filter: EvaluationFilter): string {
	const q = new URLSearchParams({ from: filter.from, to: filter.to, quietDays: String(filter.quietDays) });
	if (filter.cohort) q.set('cohort', filter.cohort);
	return q.toString();
}

export function cohortLabel(cohort: string | null, cohorts: CohortOption[], locale: UiLocale): string {
	const o = { locale };
	if (!cohort) return m.eval_cohort_everyone({}, o);
	if (cohort === 'self') return m.eval_cohort_self({}, o);
	const round = cohorts.find((c) => c.id === cohort);
	return round ? m.eval_cohort_round({ date: formatCalendarDate(round.publishedOn, locale) }, o) : cohort;
}

export function cohortOptions(cohorts: CohortOption[], locale: UiLocale) {
	const pairs = (n: number | null) => (n === null ? m.eval_withheld({}, { locale }) : new Intl.NumberFormat(locale).format(n));
	return [
		{ value: '', label: m.eval_cohort_everyone({}, { locale }) },
		...cohorts.map((c) => ({ value: c.id, label: m.eval_cohort_option({ name: cohortLabel(c.id, cohorts, locale), pairs: pairs(c.pairs) }, { locale }) }))
	];
}

/** "2 Mar 2026 – 24 May 2026". */
export function periodLabel(filter: EvaluationFilter, locale: UiLocale): string {
	return m.eval_period({ from: formatCalendarDate(filter.from, locale), to: formatCalendarDate(filter.to, locale) }, { locale });
}
