import { taskPatch } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../../params';
import type { RequestHandler } from './$types';

/** One of the pair changes a task (`{ title?, assignee?, due?, done? }`). */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const patch = await readJson(event, taskPatch);
	return event.locals.app.matching.updateTask({ user: me, id: param(event, 'id'), taskId: param(event, 'taskId'), ...patch });
});

/** One of the pair removes a task. 204. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	await event.locals.app.matching.deleteTask({ user: me, id: param(event, 'id'), taskId: param(event, 'taskId') });
	return new Response(null, { status: 204 });
});
