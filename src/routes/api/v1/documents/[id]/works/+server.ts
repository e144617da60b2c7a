import { json } from '@sveltejs/kit';
import { documentId } from '$server/docs/validation';
import { notFound } from '$server/errors';
import { proposeWorkInput } from '$server/exhibitions/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The works proposed from this document, newest first, with who has answered. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return { works: await event.locals.app.exhibitions.worksOfDocument({ user, documentId: id.data, locale: event.locals.locale }) };
});

/** `ProposeWorkInput` → 201 `WorkSummary`: proposes the document (at a saved version) for exhibitions. */
export const POST: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, proposeWorkInput);
	return json(await event.locals.app.exhibitions.propose({ user, documentId: id.data, input, baseUrl: event.url.origin }), { status: 201 });
});
