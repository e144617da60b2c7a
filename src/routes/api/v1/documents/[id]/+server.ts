import { json } from '@sveltejs/kit';
import { documentId } from '$server/docs/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The document, the caller's role, and who contributed how much. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return json(await event.locals.app.docs.get({ documentId: id.data, userId: me.id }));
});
