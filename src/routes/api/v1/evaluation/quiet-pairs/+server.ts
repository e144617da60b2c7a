import { endpoint, requireAdmin } from '$lib/server/api';
import { filterOf } from '../filter';
import type { RequestHandler } from './$types';

/** Admins: active mentorships quiet for `quietDays` days or more (default 14), with names, for follow-up. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireAdmin(event);
	return { pairs: await event.locals.app.evaluation.quietPairs({ filter: filterOf(event, me) }) };
});
