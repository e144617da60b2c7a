import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Works that ask for the caller's consent, with their answer and credit. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	return { works: await event.locals.app.exhibitions.myRequests({ user, locale: event.locals.locale }) };
});
