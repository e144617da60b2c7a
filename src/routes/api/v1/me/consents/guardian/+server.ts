import { guardianRequestInput } from '$server/safeguarding/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Sends the guardian a new consent link; the previous one stops working. Only under the consent age. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { guardianName, guardianEmail } = await readJson(event, guardianRequestInput);
	await event.locals.app.safeguarding.resendGuardianRequest({
		userId: me.id,
		guardianName,
		guardianEmail,
		baseUrl: event.url.origin,
		locale: me.profile.uiLanguage ?? event.locals.locale
	});
	return new Response(null, { status: 202 });
});
