import { endpoint, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** The pair's proposed and accepted meetings as an iCalendar file (text/calendar), times in UTC. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const ics = await event.locals.app.matching.meetingsIcs({ user: me, id: param(event, 'id'), locale: event.locals.locale });
	return new Response(ics, {
		headers: { 'content-type': 'text/calendar; charset=utf-8', 'content-disposition': 'attachment; filename="meetings.ics"' }
	});
});
