import { json } from '@sveltejs/kit';
import { spaceId } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/**
 * "Pause this match": a mentee stops the other person of their pair from sending here, at once. The other person
 * is told nothing; moderators are alerted and find it in their queue.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const { reportId } = await event.locals.app.reports.pauseMatch({ spaceId: id.data, userId: me.id });
	return json({ paused: true, reportId }, { status: 201 });
});
