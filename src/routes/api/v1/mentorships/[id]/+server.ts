import { endpoint, requireUser } from '$lib/server/api';
import { param } from '../params';
import type { RequestHandler } from './$types';

/** A mentorship of the caller's (staff: any), with its goals, tasks and meetings; anyone else gets 404. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	return event.locals.app.matching.get({ user: me, id: param(event, 'id'), locale: event.locals.locale });
});
