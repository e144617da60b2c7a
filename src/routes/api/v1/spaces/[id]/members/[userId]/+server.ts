import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The owner or a supervisor removes someone from the space; their open connections to it close at once. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	const userId = spaceId.safeParse(event.params.userId);
	if (!id.success || !userId.success) throw notFound();
	await event.locals.app.spaces.removeMember({ spaceId: id.data, userId: userId.data, by: me.id });
	return new Response(null, { status: 204 });
});
