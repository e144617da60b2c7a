import { endpoint, requireAdmin } from '$lib/server/api';
import { param } from '../../../../mentorships/params';
import type { RequestHandler } from './$types';

/** Admins publish a draft round: its proposals go to the pairs (and to guardians, where one decides). */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	return event.locals.app.matching.rounds.publish({ actorId: admin.id, roundId: param(event, 'id'), baseUrl: event.url.origin, locale: event.locals.locale });
});
