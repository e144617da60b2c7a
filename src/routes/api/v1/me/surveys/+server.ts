import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The surveys waiting for the caller, in their UI language (the survey's own language where none was written). */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	return { surveys: await event.locals.app.surveys.pending({ userId: me.id, locale: event.locals.locale }) };
});
