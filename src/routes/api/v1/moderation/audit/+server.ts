import { z } from 'zod';
import { invalidInput } from '$lib/server/errors';
import { endpoint } from '$lib/server/api';
import { actor } from '../body';
import type { RequestHandler } from './$types';

const query = z
	.object({
		actor: z.uuid({ error: 'invalid_value' }),
		action: z.string().regex(/^[a-z_]+(\.[a-z_]*)*$/, { error: 'invalid_value' }).max(64),
		targetType: z.string().regex(/^[a-z_]+$/, { error: 'invalid_value' }).max(32),
		target: z.string().min(1).max(64),
		space: z.uuid({ error: 'invalid_value' }),
		from: z.iso.datetime({ offset: true, error: 'invalid_value' }),
		to: z.iso.datetime({ offset: true, error: 'invalid_value' }),
		cursor: z.string().max(200),
		limit: z.coerce.number({ error: 'invalid_value' }).int().min(1).max(200)
	})
	.partial();

/**
 * The audit log, newest first (moderators and admins). Filters: `actor`, `action` (exact, or a prefix ending in
 * `.`), `targetType` and `target`, `space` (entries about a space), `from`/`to` (ISO times); `next` pages on.
 */
export const GET: RequestHandler = endpoint(async (event) => {
	const who = actor(event);
	event.locals.app.moderationActions.requireStaff(who);
	const parsed = query.safeParse(Object.fromEntries(event.url.searchParams));
	if (!parsed.success) throw invalidInput(parsed.error);
	const q = parsed.data;
	return event.locals.app.audit.list({
		actorId: q.actor,
		action: q.action,
		targetType: q.targetType,
		targetId: q.target,
		spaceId: q.space,
		from: q.from ? new Date(q.from) : undefined,
		to: q.to ? new Date(q.to) : undefined,
		cursor: q.cursor,
		limit: q.limit,
		// Nothing about reports on the caller.
		viewerId: who.id
	});
});
