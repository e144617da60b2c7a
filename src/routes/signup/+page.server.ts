import { redirect } from '@sveltejs/kit';
import { signUpInput } from '$server/accounts/validation';
import { setSessionCookie } from '$lib/server/session-cookie';
import { clientAddress } from '$lib/server/api';
import { failFromError, formValues, invalid, safeRedirectPath } from '../_lib/forms.server';
import { countryOptions, languageOptions, timezoneOptions } from '../_lib/options.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const next = safeRedirectPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next ?? '/spaces');
	const policy = await locals.app.safeguarding.policy();
	return {
		next,
		// The form asks for a guardian when the birth date and country call for one; the server decides again.
		consentAge: { default: policy.consentAge, byCountry: policy.consentAgeByCountry },
		countries: countryOptions(locals.locale),
		languages: languageOptions(locals.locale),
		timezones: timezoneOptions()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = signUpInput.safeParse({
			email: values.email,
			password: values.password,
			displayName: values.displayName,
			role: values.role,
			birthDate: values.birthDate,
			country: values.country,
			timezone: values.timezone,
			readingLanguage: values.readingLanguage,
			guardianName: values.guardianName,
			guardianEmail: values.guardianEmail
		});
		if (!parsed.success) return invalid(parsed.error, { locale, values });

		const { accounts, safeguarding } = event.locals.app;
		const ip = clientAddress(event);
		let session;
		let pending = false;
		try {
			const user = await safeguarding.signUp(parsed.data, { ip, baseUrl: event.url.origin, locale });
			pending = user.status === 'pending_consent';
			// The account was just made with this password: open its session directly. Signing in again would
			// hash the password a second time and could be refused by the sign-in rate limit, leaving an
			// account that exists but a page that says it failed.
			session = await accounts.startSession(user.id, event.request.headers.get('user-agent') ?? undefined);
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		setSessionCookie(event, session.token);
		if (pending) redirect(303, '/consent');
		redirect(303, safeRedirectPath(values.next ?? event.url.searchParams.get('next')) ?? '/spaces');
	}
};
