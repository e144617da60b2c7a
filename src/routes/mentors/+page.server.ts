import { error, redirect } from '@sveltejs/kit';
import { isAppError, notFound } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { id } from '$server/matching/validation';
import { failFromError, formValues, signInUrl } from '../_lib/forms.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Why the list is empty, in the order a mentee would fix things. */
type Empty = 'not_mentee' | 'busy' | 'no_availability' | 'no_passions' | 'none_fit' | null;

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { app, locale } = event.locals;
	if (user.role !== 'mentee') return { mentors: [], empty: 'not_mentee' as Empty, timezone: user.profile.timezone };
	let ranked;
	try {
		ranked = await app.matching.rankFor({ user, locale });
	} catch (e) {
		// Waiting for a guardian, or consent withdrawn: the consent page says what to do.
		if (isAppError(e) && (e.code === 'consent_pending' || e.code === 'consent_withdrawn')) redirect(303, '/consent');
		if (isAppError(e) && e.status === 403) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
		throw e;
	}
	const profile = await app.matching.profile(user.id);
	const empty: Empty = !ranked.canRequest
		? 'busy'
		: ranked.mentors.length > 0
			? null
			: profile.availability.length === 0
				? 'no_availability'
				: user.profile.passions.length === 0
					? 'no_passions'
					: 'none_fit';
	return {
		// With a live mentorship there is nothing to ask for: the list would only tempt.
		mentors: ranked.canRequest
			? ranked.mentors.map((r) => ({
					id: r.mentor.id,
					displayName: r.mentor.displayName,
					country: r.mentor.country,
					timezone: r.mentor.timezone,
					languages: r.mentor.languages,
					passions: r.mentor.passions,
					overlap: r.score.overlapHoursPerWeek ?? null,
					reasons: r.reasons
				}))
			: [],
		empty,
		timezone: user.profile.timezone
	};
};

export const actions: Actions = {
	request: async (event) => {
		const user = requireUser(event);
		const { locale, app } = event.locals;
		const values = formValues(await event.request.formData());
		const mentorId = id.safeParse(values.mentorId);
		if (!mentorId.success) return failFromError(notFound(), { locale, values });
		let mentorshipId: string;
		try {
			mentorshipId = (await app.matching.request({ user, mentorId: mentorId.data, baseUrl: event.url.origin, locale })).id;
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		redirect(303, `/mentorships?requested=${mentorshipId}`);
	}
};
