import { json } from '@sveltejs/kit';
import { signUpInput } from '$server/accounts/validation';
import { clientAddress, endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/**
 * Sign-up. The first account ever created becomes admin. Under the consent age for their country, a participant
 * must name a guardian (`guardianName`, `guardianEmail`); the account is then `pending_consent` until the guardian
 * confirms through the link they are sent.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const input = await readJson(event, signUpInput);
	const user = await event.locals.app.safeguarding.signUp(input, {
		ip: clientAddress(event),
		baseUrl: event.url.origin,
		locale: input.uiLanguage ?? event.locals.locale
	});
	return json({ user }, { status: 201 });
});

/** Admins: everyone, without birth dates or gender. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { users: await event.locals.app.accounts.listUsers() };
});
