import { endpoint, requireUser } from '$lib/server/api';
import { filterOf } from '../filter';
import type { RequestHandler } from './$types';

/** Moderators and admins: safeguarding health (reports, time to first action, held texts) for `?from=&to=`. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	event.locals.app.moderationActions.requireStaff({ id: me.id, role: me.role });
	return event.locals.app.evaluation.safeguardingHealth({ filter: filterOf(event, me) });
});
