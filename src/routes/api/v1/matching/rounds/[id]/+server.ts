import { endpoint, requireAdmin } from '$lib/server/api';
import { param } from '../../../mentorships/params';
import type { RequestHandler } from './$types';

/** Admins review a round: proposals with scores and explanations, and who stayed unmatched and why. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return event.locals.app.matching.rounds.get({ roundId: param(event, 'id'), locale: event.locals.locale });
});

/** Admins set a draft round aside (kept for the record). 204. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	await event.locals.app.matching.rounds.discard({ actorId: admin.id, roundId: param(event, 'id') });
	return new Response(null, { status: 204 });
});
