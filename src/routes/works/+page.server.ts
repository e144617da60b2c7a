import { redirect } from '@sveltejs/kit';
import { failFromError, formValues, invalid, signInUrl } from '../_lib/forms.server';
import { consentForm, workPreview, workRow } from '../_lib/works.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

/** The works that ask for my consent, newest question first as the service orders them, each with my answer. */
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { app, locale } = event.locals;
	// A work taken back or turned down asks nothing any more.
	const requests = (await app.exhibitions.myRequests({ user, locale: event.locals.locale })).filter((r) => r.work.status === 'pending' || r.work.status === 'approved');
	return {
		meId: user.id,
		requests: await Promise.all(
			requests.map(async (r) => ({
				...r,
				work: workRow(r.work, { locale, timeZone: user.profile.timezone }),
				// What I am agreeing to: the proposed version, which may be older than the document as it is now.
				preview: await workPreview((id) => app.exhibitions.preview({ user, workId: id }), r.work, { imageUrl: `/works/${r.work.id}/preview.svg` })
			}))
		)
	};
};

export const actions: Actions = {
	/** Agree, decline or withdraw (the pressed button's `decision`), with how I am credited. */
	decide: async (event) => {
		const user = requireUser(event);
		const { app, locale } = event.locals;
		const values = formValues(await event.request.formData());
		const { work, input } = consentForm(values);
		if (!work.success) return invalid(work.error, { locale, values, form: values.work });
		if (!input.success) return invalid(input.error, { locale, values, form: work.data });
		try {
			await app.exhibitions.decide({ user, workId: work.data, input: input.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: work.data });
		}
		return { form: work.data, ok: true, decision: input.data.decision };
	}
};
