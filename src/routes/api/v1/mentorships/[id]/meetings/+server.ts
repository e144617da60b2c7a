import { json } from '@sveltejs/kit';
import { meetingInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../params';
import type { RequestHandler } from './$types';

/** One of the pair proposes a meeting (`{ startsAt, minutes?, note? }`); the answer shows it in both time zones. 201. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const input = await readJson(event, meetingInput);
	return json(await event.locals.app.matching.proposeMeeting({ user: me, id: param(event, 'id'), ...input }), { status: 201 });
});
