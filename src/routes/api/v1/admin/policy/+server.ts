import { policyPatch } from '$server/safeguarding/policy';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: the program's safeguarding policy. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { policy: await event.locals.app.safeguarding.policy() };
});

/** Admins: changes the fields sent (the rest stay); each change is written to the audit log. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const me = requireAdmin(event);
	const patch = await readJson(event, policyPatch);
	return { policy: await event.locals.app.safeguarding.updatePolicy({ actorId: me.id, patch }) };
});
