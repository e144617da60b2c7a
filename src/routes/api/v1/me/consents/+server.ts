import { grantInput } from '$server/safeguarding/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The caller's consents: the current state per purpose, and every grant and withdrawal. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	return event.locals.app.safeguarding.consents({ userId: me.id });
});

/** Grants a purpose for oneself; under the consent age only a guardian can (403 consent_guardian_only). */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { purpose } = await readJson(event, grantInput);
	return event.locals.app.safeguarding.grantConsent({ userId: me.id, purpose });
});
