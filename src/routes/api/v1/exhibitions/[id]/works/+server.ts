import { notFound } from '$server/errors';
import { exhibitionWorksInput, exhibitionId } from '$server/exhibitions/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: `{ workIds }`, the exhibition's works in order (approved works only). */
export const PUT: RequestHandler = endpoint(async (event) => {
	const user = requireAdmin(event);
	const id = exhibitionId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { workIds } = await readJson(event, exhibitionWorksInput);
	await event.locals.app.exhibitions.setExhibitionWorks({ user, id: id.data, workIds });
	return event.locals.app.exhibitions.exhibition({ user, id: id.data });
});
