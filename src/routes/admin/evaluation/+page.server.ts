import { dashboardSections } from '$lib/evaluation/tables';
import { requireAdminPage } from '../../_lib/admin.server';
import { cohortOptions, filterQuery, periodLabel, readFilter } from '../../_lib/evaluation.server';
import { formatDateTime } from '../../_lib/options.server';
import type { PageServerLoad } from './$types';

/** Program leads (admins) only: the evaluation dashboard, and the quiet pairs to follow up (never exported). */
export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const timeZone = admin.profile.timezone;
	const { filter, message, errors, query } = readFilter(event, timeZone);
	const [dashboard, quiet] = await Promise.all([app.evaluation.dashboard({ filter, locale: event.locals.locale }), app.evaluation.quietPairs({ filter })]);
	return {
		dashboard,
		sections: dashboardSections(dashboard, locale),
		period: periodLabel(dashboard.filter, locale),
		cohorts: cohortOptions(dashboard.cohorts, locale),
		generated: formatDateTime(dashboard.generatedAt, { locale, timeZone }),
		quiet: quiet.map((q) => ({ ...q, last: q.lastActivityAt ? formatDateTime(q.lastActivityAt, { locale, timeZone }) : null })),
		/** What the form shows: what was typed when it was refused, else the filter in use. */
		values: message ? Object.fromEntries(query) : { cohort: filter.cohort ?? '', from: filter.from, to: filter.to, quietDays: String(filter.quietDays) },
		message,
		errors,
		query: filterQuery(dashboard.filter)
	};
};
