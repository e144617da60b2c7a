import { endpoint, requireAdmin } from '$lib/server/api';
import { filterOf } from './filter';
import type { RequestHandler } from './$types';

/**
 * Admins (program leads): the evaluation dashboard's figures for `?cohort=&from=&to=&quietDays=&timeZone=`, every
 * figure about fewer than five people already withheld (null), people without evaluation consent left out.
 */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireAdmin(event);
	return event.locals.app.evaluation.dashboard({ filter: filterOf(event, me), locale: event.locals.locale });
});
