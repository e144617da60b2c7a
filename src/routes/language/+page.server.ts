import { redirect } from '@sveltejs/kit';
import { isUiLocale } from '$lib/i18n/locales';
import { setLocaleCookie } from '$lib/server/session-cookie';
import { safeRedirectPath } from '../_lib/forms.server';
import type { Actions, PageServerLoad } from './$types';

// Nothing to show here: the switcher in the header posts to this action.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const locale = data.get('locale');
		const back = safeRedirectPath(String(data.get('redirectTo') ?? '')) ?? '/';
		if (!isUiLocale(locale)) redirect(303, back);
		setLocaleCookie(event, locale);
		// The profile language wins over the cookie, so a signed-in person's choice is saved there too.
		const { user } = event.locals;
		if (user) await event.locals.app.accounts.updateProfile(user.id, { uiLanguage: locale });
		redirect(303, back);
	}
};
