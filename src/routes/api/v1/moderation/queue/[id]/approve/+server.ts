import { z } from 'zod';
import { AppError, notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Approves a held entry (moderators and admins): a held message goes out to everyone, a held edit is applied. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	if (me.role !== 'moderator' && me.role !== 'admin') throw new AppError(403, 'forbidden');
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.moderation.approve({ id: id.data, actorId: me.id });
});
