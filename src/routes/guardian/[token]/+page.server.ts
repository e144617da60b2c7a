import { AppError } from '$server/errors';
import { id as mentorshipId } from '$server/matching/validation';
import { consentPurpose } from '$server/safeguarding/validation';
import { failFromError, formValues, invalid } from '../../_lib/forms.server';
import { formatDate } from '../../_lib/options.server';
import { consentForm, workPreview, workRow } from '../../_lib/works.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

// The token is in the path: no cache keeps the page (the page's own meta tag keeps it out of Referer headers).
// Set by `load` only, which also runs after a form posted without JavaScript (setting it twice is an error).
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * A guardian's standing page: each purpose for their child, with a button to withdraw or give it again, and the
 * mentors proposed for the child that wait for the guardian's approval (name, country and why), to approve or decline,
 * and the works the child helped make that are proposed for exhibitions, to agree to or not, with the most their
 * credit may show.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	setHeaders(NO_STORE);
	const view = await locals.app.safeguarding.guardianView(params.token);
	return {
		state: view.state,
		childName: view.childName,
		proposals: view.state === 'valid' ? await locals.app.matching.guardianProposals({ token: params.token, locale: locals.locale }) : [],
		works:
			view.state === 'valid'
				? await Promise.all((await locals.app.exhibitions.guardianWorks({ token: params.token, locale: locals.locale }))
						// A work taken back or turned down asks nothing any more.
						.filter((w) => w.work.status === 'pending' || w.work.status === 'approved')
						.map(async (w) => ({
							...w,
							work: workRow(w.work, { locale: locals.locale, timeZone: 'UTC' }),
							// What the work looks like: the guardian decides about this, not only its title.
							preview: await workPreview((id) => locals.app.exhibitions.guardianPreview({ token: params.token, workId: id }), w.work, {
								imageUrl: `/guardian/${params.token}/works/${w.work.id}.svg`
							})
						})))
				: [],
		consents: view.current.map((c) => ({
			purpose: c.purpose,
			grantedBy: c.granted ? c.grantedBy : null,
			// A guardian has no profile to take a time zone from; a calendar day in UTC is near enough.
			grantedOn: c.grantedAt ? formatDate(c.grantedAt, { locale: locals.locale, timeZone: 'UTC' }) : null
		}))
	};
};

async function change(event: RequestEvent, grant: boolean) {
	const { app, locale } = event.locals;
	const purpose = consentPurpose.safeParse(formValues(await event.request.formData()).purpose);
	if (!purpose.success) return failFromError(new AppError(400, 'purpose_invalid'), { locale, values: {} });
	try {
		await app.safeguarding.guardianChange({ token: event.params.token, purpose: purpose.data, grant });
	} catch (e) {
		return failFromError(e, { locale, values: {} });
	}
	return { changed: grant ? 'grant' : 'withdraw', purpose: purpose.data };
}

/** The guardian approves or declines a proposed mentorship for their child. */
async function decide(event: RequestEvent, approve: boolean) {
	const { app, locale } = event.locals;
	const id = mentorshipId.safeParse(formValues(await event.request.formData()).mentorship);
	if (!id.success) return failFromError(new AppError(404, 'not_found'), { locale, values: {}, form: 'matching' });
	try {
		await app.matching.guardianDecide({ token: event.params.token, id: id.data, approve });
	} catch (e) {
		return failFromError(e, { locale, values: {}, form: 'matching' });
	}
	return { decided: approve ? ('approved' as const) : ('declined' as const) };
}

/** The guardian's answer about one work their child helped make, with the most the child's credit may show. */
async function decideWork(event: RequestEvent) {
	const { app, locale } = event.locals;
	const values = formValues(await event.request.formData());
	const { work, input } = consentForm(values);
	if (!work.success) return invalid(work.error, { locale, values, form: `work:${values.work ?? ''}` });
	if (!input.success) return invalid(input.error, { locale, values, form: `work:${work.data}` });
	try {
		await app.exhibitions.guardianDecide({ token: event.params.token, workId: work.data, input: input.data });
	} catch (e) {
		return failFromError(e, { locale, values, form: `work:${work.data}` });
	}
	return { workDecided: input.data.decision };
}

export const actions: Actions = {
	decideWork,
	grant: (event) => change(event, true),
	withdraw: (event) => change(event, false),
	approveMatch: (event) => decide(event, true),
	declineMatch: (event) => decide(event, false),
	rotate: async (event) => {
		const { app, locale } = event.locals;
		try {
			await app.safeguarding.rotateGuardianLink({ token: event.params.token, baseUrl: event.url.origin, locale });
		} catch (e) {
			return failFromError(e, { locale, values: {} });
		}
		return { rotated: true };
	}
};
