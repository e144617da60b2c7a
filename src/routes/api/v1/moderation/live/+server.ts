import { endpoint } from '$lib/server/api';
import { actor } from '../body';
import type { RequestHandler } from './$types';

/**
 * Moderators and admins: the spaces someone is connected to right now, with how many are connected, participant
 * counts, how many members are minors, and whether a supervisor is connected.
 */
export const GET: RequestHandler = endpoint(async (event) => {
	return { spaces: await event.locals.app.live.list({ actor: actor(event) }) };
});
