import { reasonInput } from '$server/moderation/actions';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../../../body';
import type { RequestHandler } from './$types';

/** Removes someone from the space (the owner too); their connections to it close at once, what they wrote stays. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = spaceId.safeParse(event.params.id);
	const userId = spaceId.safeParse(event.params.userId);
	if (!id.success || !userId.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	await event.locals.app.moderationActions.removeMember({ actor: who, spaceId: id.data, userId: userId.data, reason });
	return new Response(null, { status: 204 });
});
