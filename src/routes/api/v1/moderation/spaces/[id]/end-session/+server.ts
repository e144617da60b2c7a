import { reasonInput } from '$server/moderation/actions';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../../body';
import type { RequestHandler } from './$types';

/** Ends the live session: every chat socket and document connection in the space is told why and closed. */
export const POST: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	return event.locals.app.moderationActions.endSession({ actor: who, spaceId: id.data, reason });
});
