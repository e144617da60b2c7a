import { json } from '@sveltejs/kit';
import { signUpInput } from '$server/accounts/validation';
import { clientAddress, endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Sign-up. The first account ever created becomes admin. */
export const POST: RequestHandler = endpoint(async (event) => {
	const input = await readJson(event, signUpInput);
	const user = await event.locals.app.accounts.signUp(input, { ip: clientAddress(event) });
	return json({ user }, { status: 201 });
});

/** Admins: everyone, without birth dates or gender. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { users: await event.locals.app.accounts.listUsers() };
});
