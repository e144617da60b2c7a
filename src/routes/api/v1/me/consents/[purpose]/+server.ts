import { consentPurpose } from '$server/safeguarding/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Withdraws a purpose, any time; withdrawing participation closes the caller's live connections to spaces. */
export const DELETE: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const purpose = consentPurpose.safeParse(event.params.purpose);
	if (!purpose.success) throw notFound();
	return event.locals.app.safeguarding.revokeConsent({ userId: me.id, purpose: purpose.data });
});
