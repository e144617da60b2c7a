import { z } from 'zod';
import { reasonInput } from '$server/moderation/actions';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../../body';
import type { RequestHandler } from './$types';

/** Suspends an account: its sessions end and every socket and document connection closes at once. */
export const POST: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	event.locals.app.moderationActions.requireStaff(who);
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	return { user: await event.locals.app.moderationActions.suspend({ actor: who, userId: id.data, reason }) };
});
