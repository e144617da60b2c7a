import { redirect } from '@sveltejs/kit';
import { signInInput } from '$server/accounts/validation';
import { setSessionCookie } from '$lib/server/session-cookie';
import { clientAddress } from '$lib/server/api';
import { failFromError, formValues, invalid, safeRedirectPath } from '../_lib/forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeRedirectPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next ?? '/spaces');
	return { next, deleted: url.searchParams.has('deleted') };
};

export const actions: Actions = {
	default: async (event) => {
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = signInInput.safeParse({ email: values.email, password: values.password });
		if (!parsed.success) return invalid(parsed.error, { locale, values });
		try {
			const { token } = await event.locals.app.accounts.signIn({
				...parsed.data,
				ip: clientAddress(event),
				userAgent: event.request.headers.get('user-agent') ?? undefined
			});
			setSessionCookie(event, token);
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		redirect(303, safeRedirectPath(values.next ?? event.url.searchParams.get('next')) ?? '/spaces');
	}
};
