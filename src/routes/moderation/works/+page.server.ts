import { error } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { failFromError, formValues, invalid } from '../../_lib/forms.server';
import { reviewForm, workPreview, workRef, workRow } from '../../_lib/works.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Moderators and admins only; for everyone else this page does not exist (checked by every load and action). */
function requireStaff(event: Pick<RequestEvent, 'locals'>) {
	const { user, locale } = event.locals;
	if (!user || (user.role !== 'moderator' && user.role !== 'admin')) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return user;
}

/** Works proposed for exhibitions that wait for a moderator, oldest first. */
export const load: PageServerLoad = async (event) => {
	const user = requireStaff(event);
	const { app, locale } = event.locals;
	const queue = await app.exhibitions.reviewQueue({ user, locale: event.locals.locale });
	return {
		works: await Promise.all(
			queue.map(async (w) => ({
				...workRow(w, { locale, timeZone: user.profile.timezone }),
				// What would be published: the proposed version, not the document as it is now.
				preview: await workPreview((id) => app.exhibitions.preview({ user, workId: id }), w, { imageUrl: `/works/${w.id}/preview.svg` })
			}))
		)
	};
};

export const actions: Actions = {
	/** Approve or reject (the pressed button's `decision`), with an optional note for the proposer. */
	review: async (event) => {
		const user = requireStaff(event);
		const { app, locale } = event.locals;
		const values = formValues(await event.request.formData());
		const work = workRef.safeParse(values.work);
		if (!work.success) return invalid(work.error, { locale, values, form: values.work });
		const input = reviewForm(values);
		if (!input.success) return invalid(input.error, { locale, values, form: work.data });
		try {
			await app.exhibitions.review({ user, workId: work.data, input: input.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: work.data });
		}
		return { form: work.data, ok: true, decision: input.data.decision, title: values.title ?? '' };
	}
};
