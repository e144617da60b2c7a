import { json } from '@sveltejs/kit';
import { notFound } from '$server/errors';
import { answersInput, surveyRef } from '$server/surveys/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The caller answers a survey waiting for them: 201 `{ id }`; 409 once answered; 404 when it is not theirs to answer. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const pointId = surveyRef.safeParse(event.params.pointId);
	if (!pointId.success) throw notFound();
	const input = await readJson(event, answersInput);
	return json(await event.locals.app.surveys.answer({ userId: me.id, pointId: pointId.data, input }), { status: 201 });
});
