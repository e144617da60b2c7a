import { notFound } from '$server/errors';
import { exhibitionId } from '$server/exhibitions/validation';
import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: takes the exhibition off its public address. */
export const POST: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	const id = exhibitionId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.exhibitions.setPublished({ user, id: id.data, published: false });
	return event.locals.app.exhibitions.exhibition({ user, id: id.data });
});
