import { notFound } from '$server/errors';
import { surveyRef } from '$server/surveys/validation';
import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: one survey with every language of its texts, its questions and its points. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	const id = surveyRef.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.surveys.get({ surveyId: id.data });
});
