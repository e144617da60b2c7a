import { json } from '@sveltejs/kit';
import { surveyInput } from '$server/surveys/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: every survey, newest first, its title in the reader's language, with how many answered. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { surveys: await event.locals.app.surveys.list({ locale: event.locals.locale }) };
});

/** Admins define a survey: a draft until opened. 201 `{ id }`. */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const input = await readJson(event, surveyInput);
	return json(await event.locals.app.surveys.create({ actorId: admin.id, input }), { status: 201 });
});
