import { json } from '@sveltejs/kit';
import { goalInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** One of the pair adds a goal (`{ text }`, vetted like chat). 201. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { text } = await readJson(event, goalInput);
	return json(await event.locals.app.matching.addGoal({ user: me, id: param(event, 'id'), text }), { status: 201 });
});
