import { redirect } from '@sveltejs/kit';
import { signUpInput } from '$server/accounts/validation';
import { setSessionCookie } from '$lib/server/session-cookie';
import { clientAddress } from '$lib/server/api';
import { failFromError, formValues, invalid, safeRedirectPath } from '../_lib/forms.server';
import { countryOptions, languageOptions, timezoneOptions } from '../_lib/options.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeRedirectPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next ?? '/spaces');
	return {
		next,
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
			readingLanguage: values.readingLanguage
		});
		if (!parsed.success) return invalid(parsed.error, { locale, values });

		const { accounts } = event.locals.app;
		const ip = clientAddress(event);
		let session;
		try {
			const user = await accounts.signUp(parsed.data, { ip });
			// The account was just made with this password: open its session directly. Signing in again would
			// hash the password a second time and could be refused by the sign-in rate limit, leaving an
			// account that exists but a page that says it failed.
			session = await accounts.startSession(user.id, event.request.headers.get('user-agent') ?? undefined);
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		setSessionCookie(event, session.token);
		redirect(303, safeRedirectPath(values.next ?? event.url.searchParams.get('next')) ?? '/spaces');
	}
};
