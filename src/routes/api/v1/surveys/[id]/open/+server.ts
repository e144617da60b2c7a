import { notFound } from '$server/errors';
import { surveyRef } from '$server/surveys/validation';
import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins open a draft: it is put to participants from now on and its questions are fixed. 409 unless a draft. */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const id = surveyRef.safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.surveys.setStatus({ actorId: admin.id, surveyId: id.data, status: 'open' });
	return event.locals.app.surveys.get({ surveyId: id.data });
});
