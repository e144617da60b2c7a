import { profileUpdate } from '$server/accounts/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { LOCALE_COOKIE, setLocaleCookie } from '$lib/server/session-cookie';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = endpoint(async (event) => ({ user: requireUser(event) }));

/** Updates the caller's profile; only the fields sent change. */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const patch = await readJson(event, profileUpdate);
	const user = await event.locals.app.accounts.updateProfile(me.id, patch);
	if (patch.uiLanguage) setLocaleCookie(event, patch.uiLanguage);
	else if (patch.uiLanguage === null) event.cookies.delete(LOCALE_COOKIE, { path: '/' });
	return { user };
});
