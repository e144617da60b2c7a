import { redirect } from '@sveltejs/kit';
import { failFromError, signInUrl } from '../_lib/forms.server';
import type { Actions, PageServerLoad } from './$types';

/** Where someone stands when they may not take part: waiting for a guardian, or consent withdrawn. */
export const load: PageServerLoad = async (event) => {
	const { user, app } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const state = await app.safeguarding.participation(user.id);
	if (state === 'ok') redirect(303, '/spaces');
	const ledger = await app.safeguarding.consents({ userId: user.id });
	return { state, canGrantForSelf: ledger.canGrantForSelf };
};

export const actions: Actions = {
	resend: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		try {
			await app.safeguarding.resendGuardianRequest({ userId: user.id, baseUrl: event.url.origin, locale: user.profile.uiLanguage ?? locale });
		} catch (e) {
			return failFromError(e, { locale, values: {} });
		}
		return { resent: true };
	},
	participate: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		try {
			await app.safeguarding.grantConsent({ userId: user.id, purpose: 'participation' });
		} catch (e) {
			return failFromError(e, { locale, values: {} });
		}
		redirect(303, '/spaces');
	}
};
