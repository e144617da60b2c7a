import { json } from '@sveltejs/kit';
import { reportInput } from '$server/moderation/reports';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/**
 * Any member reports a message, a member or the space itself, with a reason code. The answer names nobody; a
 * minor's report on an adult has paused that adult's sending in their shared spaces before it is sent.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const input = await readJson(event, reportInput);
	const report = await event.locals.app.reports.create({ reporterId: me.id, input });
	return json({ report }, { status: 201 });
});
