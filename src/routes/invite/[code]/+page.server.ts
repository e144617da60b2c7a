import { error, redirect } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { inviteCode } from '$server/spaces/validation';
import { failFromError, signInUrl } from '../../_lib/forms.server';
import type { Actions, PageServerLoad } from './$types';

function codeFrom(params: { code: string }, locale: Parameters<typeof errorMessage>[1]): string {
	const code = inviteCode.safeParse(params.code);
	if (!code.success) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return code.data;
}

export const load: PageServerLoad = async ({ params, locals }) => {
	const code = codeFrom(params, locals.locale);
	try {
		const preview = await locals.app.spaces.previewInvite(code);
		return { preview, code, signedIn: locals.user !== null };
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, { message: errorMessage('not_found', locals.locale), code: 'not_found' });
		throw e;
	}
};

export const actions: Actions = {
	default: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		const code = codeFrom(event.params, locale);
		let spaceId: string;
		try {
			spaceId = (await app.spaces.acceptInvite({ code, userId: user.id })).id;
		} catch (e) {
			return failFromError(e, { locale, values: {} });
		}
		redirect(303, `/spaces/${spaceId}`);
	}
};
