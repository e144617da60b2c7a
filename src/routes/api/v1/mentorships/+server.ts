import { json } from '@sveltejs/kit';
import { requestInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The caller's mentorships, newest first; staff may ask for every one (`?all=1`). */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const all = event.url.searchParams.get('all') === '1';
	return { mentorships: await event.locals.app.matching.list({ user: me, all, locale: event.locals.locale }) };
});

/** Self-match: a mentee asks for a mentor (`{ mentorId }`). 201 with the proposed mentorship. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { mentorId } = await readJson(event, requestInput);
	const mentorship = await event.locals.app.matching.request({ user: me, mentorId, baseUrl: event.url.origin, locale: event.locals.locale });
	return json(mentorship, { status: 201 });
});
