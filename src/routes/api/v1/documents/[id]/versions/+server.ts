import { json } from '@sveltejs/kit';
import { documentId, saveVersionInput } from '$server/docs/validation';
import { notFound } from '$server/errors';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Named versions, newest first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return json({ versions: await event.locals.app.docs.listVersions({ documentId: id.data, userId: me.id }) });
});

/** `{ name, auto? }` → 201: saves the document as it is now. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, saveVersionInput);
	return json(await event.locals.app.docs.saveVersion({ documentId: id.data, userId: me.id, name: input.name, auto: input.auto }), { status: 201 });
});
