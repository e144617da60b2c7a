import { json } from '@sveltejs/kit';
import { muteInput, reasonInput } from '$server/moderation/actions';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../../../../body';
import type { RequestHandler } from './$types';

function ids(params: { id: string; userId: string }) {
	const id = spaceId.safeParse(params.id);
	const userId = spaceId.safeParse(params.userId);
	if (!id.success || !userId.success) throw notFound();
	return { spaceId: id.data, userId: userId.data };
}

/** Mutes a member in the space for `durationSeconds`, or until lifted when absent or null. */
export const POST: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const target = ids(event.params);
	const { durationSeconds, reason } = await optionalJson(event, muteInput);
	const mute = await event.locals.app.moderationActions.mute({ actor: who, ...target, durationSeconds, reason });
	return json({ mute }, { status: 201 });
});

/** Lifts every mute of the member in the space. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const target = ids(event.params);
	const { reason } = await optionalJson(event, reasonInput);
	return event.locals.app.moderationActions.unmute({ actor: who, ...target, reason });
});
