import { endpoint, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** Either of the pair pauses an active mentorship. Answers with the mentorship. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = param(event, 'id');
	const { matching } = event.locals.app;
	await matching.pause({ user: me, id });
	return matching.get({ user: me, id, locale: event.locals.locale });
});
