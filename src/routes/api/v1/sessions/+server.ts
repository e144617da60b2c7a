import { json } from '@sveltejs/kit';
import { signInInput } from '$server/accounts/validation';
import { clientAddress, endpoint, readJson, requireUser } from '$lib/server/api';
import { clearSessionCookie, setSessionCookie } from '$lib/server/session-cookie';
import type { RequestHandler } from './$types';

/** Sign in: sets the session cookie and returns the same token for bearer use (Socket.IO auth.token, /yjs ?token=). */
export const POST: RequestHandler = endpoint(async (event) => {
	const { email, password } = await readJson(event, signInInput);
	const { token, expiresAt, user } = await event.locals.app.accounts.signIn({
		email,
		password,
		ip: clientAddress(event),
		userAgent: event.request.headers.get('user-agent') ?? undefined
	});
	setSessionCookie(event, token);
	return json({ token, expiresAt: expiresAt.toISOString(), user }, { status: 201 });
});

/** Sign out everywhere: ends every session of this account, this one included. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	await event.locals.app.accounts.signOutEverywhere(user.id);
	clearSessionCookie(event);
	return new Response(null, { status: 204 });
});
