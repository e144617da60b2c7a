import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Leave the space. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.spaces.leave({ spaceId: id.data, userId: me.id });
	return new Response(null, { status: 204 });
});
