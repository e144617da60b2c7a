import { json } from '@sveltejs/kit';
import { createSpaceInput } from '$server/spaces/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	return { spaces: await event.locals.app.spaces.listForUser(me.id) };
});

export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { title, kind, supervisorId } = await readJson(event, createSpaceInput);
	const space = await event.locals.app.spaces.create({ userId: me.id, title, kind, supervisorId });
	return json(space, { status: 201 });
});
