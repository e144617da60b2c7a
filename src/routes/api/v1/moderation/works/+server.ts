import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Moderators and admins: works waiting for review, oldest first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	return { works: await event.locals.app.exhibitions.reviewQueue({ user, locale: event.locals.locale }) };
});
