import { notFound } from '$server/errors';
import { workId } from '$server/exhibitions/validation';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The proposer (or an admin) takes back a proposal still waiting for review. */
export const POST: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = workId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.exhibitions.retract({ user, workId: id.data });
	return event.locals.app.exhibitions.work({ user, workId: id.data, locale: event.locals.locale });
});
