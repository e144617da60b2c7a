import { fail } from '@sveltejs/kit';
import { CONSENT_PURPOSES, type ConsentPurpose } from '$server/safeguarding/consent';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import type { Actions, PageServerLoad } from './$types';

// The token is in the path: no cache keeps the page (the page's own meta tag keeps it out of Referer headers).
const NO_STORE = { 'cache-control': 'no-store' };

/** A guardian's consent page: who the child is (display name only), what they agree to, once. */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	setHeaders(NO_STORE);
	const link = await locals.app.safeguarding.guardianLink(params.token);
	return { state: link.state, childName: link.childName, purposes: CONSENT_PURPOSES };
};

export const actions: Actions = {
	// No `setHeaders` here: `load` runs after a form posted without JavaScript and sets the header (twice is an error).
	default: async ({ params, request, locals, url }) => {
		const data = await request.formData();
		const purposes = CONSENT_PURPOSES.filter((p) => data.get(p) === 'yes') as ConsentPurpose[];
		try {
			const link = await locals.app.safeguarding.guardianLink(params.token);
			// The standing link is mailed in the language this page is read in.
			await locals.app.safeguarding.confirmGuardianConsent({ token: params.token, purposes, baseUrl: url.origin, locale: locals.locale });
			return { done: true, childName: link.childName };
		} catch (e) {
			if (!isAppError(e)) throw e;
			const fields = Object.fromEntries(Object.entries(e.fields ?? {}).map(([k, code]) => [k, errorMessage(code, locals.locale)]));
			return fail(e.status, { message: errorMessage(e.code, locals.locale), errors: fields, code: e.code, purposes });
		}
	}
};
