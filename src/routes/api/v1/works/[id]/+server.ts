import { notFound } from '$server/errors';
import { workId } from '$server/exhibitions/validation';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** One work: members of its space, its contributors, moderators and admins. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = workId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	return event.locals.app.exhibitions.work({ user, workId: id.data, locale: event.locals.locale });
});
