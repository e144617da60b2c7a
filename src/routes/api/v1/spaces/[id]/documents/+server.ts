import { json } from '@sveltejs/kit';
import { createDocumentInput } from '$server/docs/validation';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The space's documents and canvases, most recently edited first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return json({ documents: await event.locals.app.docs.list({ spaceId: id.data, userId: me.id }) });
});

/** `{ kind: "text" | "canvas", title }` → 201 `{ id, kind, title, ... }`. Observers may not create. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, createDocumentInput);
	return json(await event.locals.app.docs.create({ ...input, spaceId: id.data, userId: me.id }), { status: 201 });
});
