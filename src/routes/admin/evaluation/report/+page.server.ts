import { error } from '@sveltejs/kit';
import { dashboardSections } from '$lib/evaluation/tables';
import { requireAdminPage } from '../../../_lib/admin.server';
import { cohortLabel, filterQuery, periodLabel, readFilter } from '../../../_lib/evaluation.server';
import { formatDateTime } from '../../../_lib/options.server';
import type { PageServerLoad } from './$types';

/** The printable report: every figure as tables with its summary, for the filter in the address. No names in it. */
export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const timeZone = admin.profile.timezone;
	const { filter, message } = readFilter(event, timeZone);
	if (message) error(400, { message, code: 'invalid_input' });
	const dashboard = await app.evaluation.dashboard({ filter, locale: event.locals.locale });
	return {
		sections: dashboardSections(dashboard, locale),
		period: periodLabel(dashboard.filter, locale),
		cohort: cohortLabel(dashboard.filter.cohort, dashboard.cohorts, locale),
		filter: dashboard.filter,
		withoutConsent: dashboard.withoutConsent,
		generated: formatDateTime(dashboard.generatedAt, { locale, timeZone }),
		query: filterQuery(dashboard.filter)
	};
};
