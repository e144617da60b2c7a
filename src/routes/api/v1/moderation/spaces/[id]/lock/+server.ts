import { reasonInput } from '$server/moderation/actions';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../../body';
import type { RequestHandler } from './$types';

/** Locks the space read-only: nobody sends or edits until it is unlocked. */
export const POST: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	return event.locals.app.moderationActions.setLocked({ actor: who, spaceId: id.data, locked: true, reason });
});

/** Unlocks the space. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	return event.locals.app.moderationActions.setLocked({ actor: who, spaceId: id.data, locked: false, reason });
});
