import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Members only; anyone else gets 404, so a space's existence is not revealed. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.spaces.get({ spaceId: id.data, userId: me.id });
});
