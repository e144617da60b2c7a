import { z } from 'zod';
import { AppError } from '$server/errors';
import { invalidInput } from '$lib/server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

const query = z
	.object({
		status: z.enum(['held', 'approved', 'rejected', 'superseded', 'blocked'], { error: 'invalid_value' }),
		space: z.uuid({ error: 'invalid_value' }),
		after: z.uuid({ error: 'invalid_value' }),
		limit: z.coerce.number({ error: 'invalid_value' }).int().min(1).max(200)
	})
	.partial();

/**
 * The moderation queue, oldest first (moderators and admins): texts held by the pipeline, each with its space,
 * author, the hook and reason code that held it (never the caller's own texts). `status` (held by default; `blocked`
 * lists the texts the pipeline refused in spaces that have or had a minor, kept for review), `space`, `after` (an entry
 * id) and `limit` page through it.
 */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	if (me.role !== 'moderator' && me.role !== 'admin') throw new AppError(403, 'forbidden');
	const parsed = query.safeParse(Object.fromEntries(event.url.searchParams));
	if (!parsed.success) throw invalidInput(parsed.error);
	const { status, space, after, limit } = parsed.data;
	return { items: await event.locals.app.moderation.queue({ status, spaceId: space, after, limit, viewerId: me.id }) };
});
