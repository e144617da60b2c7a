import { json } from '@sveltejs/kit';
import { taskInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** One of the pair adds a task (`{ title, assignee?, due? }`, the title vetted like chat). 201. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const input = await readJson(event, taskInput);
	return json(await event.locals.app.matching.addTask({ user: me, id: param(event, 'id'), ...input }), { status: 201 });
});
