import { endpoint, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** The mentor or the mentee says yes; the last yes needed (with the guardian's, where one decides) makes it active and creates the pair's space. Answers with the mentorship. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = param(event, 'id');
	const { matching } = event.locals.app;
	await matching.accept({ user: me, id });
	return matching.get({ user: me, id, locale: event.locals.locale });
});
