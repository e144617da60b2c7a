import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Self-match, for mentees: the mentors they could ask for now, best first, each with why. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	return event.locals.app.matching.rankFor({ user: me, locale: event.locals.locale });
});
