import { goalPatch } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../../params';
import type { RequestHandler } from './$types';

/** One of the pair changes a goal's text or marks it done (`{ text?, done? }`). */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const patch = await readJson(event, goalPatch);
	return event.locals.app.matching.updateGoal({ user: me, id: param(event, 'id'), goalId: param(event, 'goalId'), ...patch });
});

/** One of the pair removes a goal. 204. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	await event.locals.app.matching.deleteGoal({ user: me, id: param(event, 'id'), goalId: param(event, 'goalId') });
	return new Response(null, { status: 204 });
});
