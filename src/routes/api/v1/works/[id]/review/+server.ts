import { notFound } from '$server/errors';
import { workId, workReviewInput } from '$server/exhibitions/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Moderators and admins: `{ decision: 'approve' | 'reject', note? }`. Rejecting an approved work takes it down. */
export const POST: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = workId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, workReviewInput);
	await event.locals.app.exhibitions.review({ user, workId: id.data, input });
	return event.locals.app.exhibitions.work({ user, workId: id.data, locale: event.locals.locale });
});
