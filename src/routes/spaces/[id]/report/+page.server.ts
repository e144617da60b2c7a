import { error, redirect } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { reportInput } from '$server/moderation/reports';
import { spaceId } from '$server/spaces/validation';
import { failFromError, formValues, invalid, signInUrl, type FormState } from '../../../_lib/forms.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The report dialog's page, for browsers without JavaScript: `?user=<id>` reports a member of the space, no query
 * the space itself. Anything the reporter cannot report (not a member, themselves) is "not found".
 */
async function target(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const { user, locale, app } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const notFound = () => error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) notFound();
	let space;
	try {
		space = await app.spaces.get({ spaceId: id.data!, userId: user.id });
	} catch (e) {
		if (isAppError(e) && e.status === 404) notFound();
		if (isAppError(e) && (e.code === 'consent_pending' || e.code === 'consent_withdrawn')) redirect(303, '/consent');
		throw e;
	}
	const userId = event.url.searchParams.get('user');
	if (userId === null) return { user, space, about: null };
	const member = space.members.find((mb) => mb.userId === userId && mb.userId !== user.id);
	if (!member) notFound();
	return { user, space, about: { userId: member!.userId, displayName: member!.displayName } };
}

export const load: PageServerLoad = async (event) => {
	const { space, about } = await target(event);
	return { space: { id: space.id, title: space.title }, about };
};

export const actions: Actions = {
	default: async (event) => {
		const { user, space, about } = await target(event);
		const { locale, app } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = reportInput.safeParse({
			targetType: about ? 'user' : 'space',
			targetId: about ? about.userId : space.id,
			spaceId: space.id,
			reason: values.reason,
			details: values.details?.trim() ? values.details : undefined
		});
		if (!parsed.success) return invalid(parsed.error, { locale, values });
		try {
			await app.reports.create({ reporterId: user.id, input: parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		const state: FormState = { ok: true };
		return state;
	}
};
