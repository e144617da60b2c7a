import { z } from 'zod';
import { invalidInput } from '$lib/server/errors';
import { endpoint } from '$lib/server/api';
import { actor } from '../body';
import type { RequestHandler } from './$types';

const query = z.object({
	status: z.enum(['open', 'resolved', 'dismissed'], { error: 'invalid_value' }).default('open'),
	cursor: z.string().max(200).optional(),
	limit: z.coerce.number({ error: 'invalid_value' }).int().min(1).max(200).optional()
});

/**
 * Moderators and admins: reports in one state (open by default), oldest first, each with its message and space. None
 * about the caller: a reported staff member never sees who reported them.
 */
export const GET: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	event.locals.app.moderationActions.requireStaff(who);
	const parsed = query.safeParse(Object.fromEntries(event.url.searchParams));
	if (!parsed.success) throw invalidInput(parsed.error);
	return event.locals.app.reports.list({ ...parsed.data, viewerId: who.id });
});
