import { notFound } from '$server/errors';
import { exhibitionInput, exhibitionId } from '$server/exhibitions/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: one exhibition, its works in order and which of them visitors see now. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	const id = exhibitionId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.exhibitions.exhibition({ user, id: id.data });
});

/** Admins: `{ title, introduction, lang }`. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	const id = exhibitionId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, exhibitionInput);
	await event.locals.app.exhibitions.updateExhibition({ user, id: id.data, input });
	return event.locals.app.exhibitions.exhibition({ user, id: id.data });
});
