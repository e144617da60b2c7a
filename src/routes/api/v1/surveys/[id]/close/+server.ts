import { notFound } from '$server/errors';
import { surveyRef } from '$server/surveys/validation';
import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins close an open survey: nobody is asked it any more. 409 unless open. */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const id = surveyRef.safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.surveys.setStatus({ actorId: admin.id, surveyId: id.data, status: 'closed' });
	return event.locals.app.surveys.get({ surveyId: id.data });
});
