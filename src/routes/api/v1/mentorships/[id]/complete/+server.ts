import { endpoint, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** Either of the pair marks the mentorship completed. Answers with the mentorship. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = param(event, 'id');
	const { matching } = event.locals.app;
	await matching.complete({ user: me, id });
	return matching.get({ user: me, id, locale: event.locals.locale });
});
