import { z } from 'zod';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { clearSessionCookie } from '$lib/server/session-cookie';
import type { RequestHandler } from './$types';

const deletionInput = z.object({ password: z.string({ error: 'required' }).min(1, { error: 'required' }).max(1024, { error: 'password_too_long' }) });

/**
 * Deletes the caller's account, once their password is confirmed. They are signed out everywhere at once. What
 * the safeguarding policy keeps, and for how long, is in the README ("Your data").
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { password } = await readJson(event, deletionInput);
	const result = await event.locals.app.privacy.deleteAccount({ userId: me.id, password });
	clearSessionCookie(event);
	return { deleted: true, ...result };
});
