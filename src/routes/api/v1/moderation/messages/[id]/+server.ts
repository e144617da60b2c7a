import { z } from 'zod';
import { reasonInput } from '$server/moderation/actions';
import { notFound } from '$server/errors';
import { endpoint } from '$lib/server/api';
import { actor, optionalJson } from '../../body';
import type { RequestHandler } from './$types';

/** Deletes a message for readers (moderators, admins, the space's supervisor); its text is kept for the record. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reason } = await optionalJson(event, reasonInput);
	return { message: await event.locals.app.moderationActions.deleteMessage({ actor: who, messageId: id.data, reason }) };
});
