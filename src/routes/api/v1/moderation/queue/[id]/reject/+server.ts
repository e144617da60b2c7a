import { z } from 'zod';
import { AppError, notFound } from '$server/errors';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

const body = z.object({ reason: z.string().trim().max(500, { error: 'invalid_value' }).optional() });

/**
 * Rejects a held entry (moderators and admins), with an optional note for the audit log: the message stays hidden
 * from everyone but its author, who sees it was not approved.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	if (me.role !== 'moderator' && me.role !== 'admin') throw new AppError(403, 'forbidden');
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	const hasBody = event.request.headers.has('content-type');
	const { reason } = hasBody ? await readJson(event, body) : { reason: undefined };
	return event.locals.app.moderation.reject({ id: id.data, actorId: me.id, reason: reason || undefined });
});
