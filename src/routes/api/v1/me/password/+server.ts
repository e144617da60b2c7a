import { changePasswordInput } from '$server/accounts/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Changes the password; every other session of the account ends. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { currentPassword, newPassword } = await readJson(event, changePasswordInput);
	await event.locals.app.accounts.changePassword({ userId: me.id, sessionId: event.locals.session!.id, currentPassword, newPassword });
	return new Response(null, { status: 204 });
});
