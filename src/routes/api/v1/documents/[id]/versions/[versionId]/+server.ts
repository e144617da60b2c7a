import { json } from '@sveltejs/kit';
import { documentId } from '$server/docs/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** One version with its whole Yjs state (base64), for read-only viewing or a restore. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = documentId.safeParse(event.params.id);
	const versionId = documentId.safeParse(event.params.versionId);
	if (!id.success || !versionId.success) throw notFound();
	return json(await event.locals.app.docs.getVersion({ documentId: id.data, versionId: versionId.data, userId: me.id }));
});
