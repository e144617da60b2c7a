import { error } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { isStaff } from '$server/moderation/actions';
import { healthSections } from '$lib/evaluation/tables';
import { periodLabel, readFilter } from '../../_lib/evaluation.server';
import type { PageServerLoad } from './$types';

/** Moderators and admins: how safeguarding is going over a period. For everyone else this page does not exist. */
export const load: PageServerLoad = async (event) => {
	const { user, locale, app } = event.locals;
	if (!user || !isStaff(user.role)) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const { filter, message, errors, query } = readFilter(event, user.profile.timezone, ['from', 'to']);
	// Safeguarding covers everyone: the cohort filter is the dashboard's, not this page's.
	const health = await app.evaluation.safeguardingHealth({ filter: { ...filter, cohort: null } });
	return {
		health,
		sections: healthSections(health, locale),
		period: periodLabel(health.filter, locale),
		values: message ? Object.fromEntries(query) : { from: filter.from, to: filter.to },
		message,
		errors
	};
};
