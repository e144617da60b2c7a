import { redirect } from '@sveltejs/kit';
import { AppError } from '$server/errors';
import { consentPurpose } from '$server/safeguarding/validation';
import { failFromError, formValues, signInUrl } from '../_lib/forms.server';
import { formatDate } from '../_lib/options.server';
import type { Actions, PageServerLoad } from './$types';

/** The signed-in person's consents: what is given, by whom, and buttons to give or withdraw; why spaces are closed when they are. */
export const load: PageServerLoad = async (event) => {
	const { user, app, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const [state, ledger] = await Promise.all([app.safeguarding.participation(user.id), app.safeguarding.consents({ userId: user.id })]);
	const timeZone = user.profile.timezone;
	return {
		state,
		canGrantForSelf: ledger.canGrantForSelf,
		consents: ledger.current.map((c) => ({
			purpose: c.purpose,
			grantedBy: c.granted ? c.grantedBy : null,
			grantedOn: c.grantedAt ? formatDate(c.grantedAt, { locale, timeZone }) : null
		}))
	};
};

async function change(event: Parameters<Actions[string]>[0], how: 'grant' | 'withdraw') {
	const { user, app, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const purpose = consentPurpose.safeParse(formValues(await event.request.formData()).purpose);
	if (!purpose.success) return failFromError(new AppError(400, 'purpose_invalid'), { locale, values: {} });
	try {
		if (how === 'grant') await app.safeguarding.grantConsent({ userId: user.id, purpose: purpose.data });
		else await app.safeguarding.revokeConsent({ userId: user.id, purpose: purpose.data });
	} catch (e) {
		return failFromError(e, { locale, values: {} });
	}
	return { changed: how, purpose: purpose.data };
}

export const actions: Actions = {
	grant: (event) => change(event, 'grant'),
	withdraw: (event) => change(event, 'withdraw'),
	resend: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		try {
			await app.safeguarding.resendGuardianRequest({ userId: user.id, baseUrl: event.url.origin, locale: user.profile.uiLanguage ?? locale });
		} catch (e) {
			return failFromError(e, { locale, values: {} });
		}
		return { resent: true };
	}
};
