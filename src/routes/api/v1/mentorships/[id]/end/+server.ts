import { endInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** Staff end a mentorship: `{ reason, note? }`; `reason: 'report'` keeps the pair from ever being proposed again. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const id = param(event, 'id');
	const { reason, note } = await readJson(event, endInput);
	const { matching } = event.locals.app;
	await matching.end({ user: me, id, reason, note });
	return matching.get({ user: me, id, locale: event.locals.locale });
});
