import { endpoint } from '$lib/server/api';
import { unauthorized } from '$server/errors';
import { clearSessionCookie } from '$lib/server/session-cookie';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = endpoint(async (event) => {
	const { session } = event.locals;
	if (!session) throw unauthorized();
	await event.locals.app.accounts.signOut(session.id);
	clearSessionCookie(event);
	return new Response(null, { status: 204 });
});
