import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor } from '../../../body';
import type { RequestHandler } from './$types';

/**
 * A moderator or admin joins the space as its supervisor (recorded in the audit log); participants see that a
 * moderator is present while they are connected. Someone already in the space keeps their role.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.live.supervise({ actor: who, spaceId: id.data });
});
