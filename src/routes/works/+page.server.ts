import { redirect } from '@sveltejs/kit';
import { failFromError, formValues, invalid, signInUrl } from '../_lib/forms.server';
import { consentForm, workRow } from '../_lib/works.server';
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
	const requests = (await app.exhibitions.myRequests({ user })).filter((r) => r.work.status === 'pending' || r.work.status === 'approved');
	return {
		meId: user.id,
		requests: requests.map((r) => ({ ...r, work: workRow(r.work, { locale, timeZone: user.profile.timezone }) }))
	};
};

export const actions: Actions = {
	/** Agree, decline or withdraw (the pressed button's `decision`), with how I am credited. */
	decide: async (event) => {
		const user = requireUser(event);
		const { app, locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = consentForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: values.work });
		const { work, ...input } = parsed.data;
		try {
			await app.exhibitions.decide({ user, workId: work, input });
		} catch (e) {
			return failFromError(e, { locale, values, form: work });
		}
		return { form: work, ok: true, decision: input.decision };
	}
};
