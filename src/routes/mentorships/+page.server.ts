import { redirect } from '@sveltejs/kit';
import type { MentorshipView } from '$server/matching/service';
import { id } from '$server/matching/validation';
import { notFound } from '$server/errors';
import { failFromError, formValues, signInUrl, type FormState } from '../_lib/forms.server';
import { countryName, formatDate } from '../_lib/options.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

const isStaff = (role: string) => role === 'admin' || role === 'moderator';

/** What the accept and decline buttons hand back. */
export interface AnswerState extends FormState {
	done?: 'accepted' | 'started' | 'declined';
	name?: string;
	spaceId?: string | null;
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { app, locale } = event.locals;
	const list = await app.matching.list({ user, all: isStaff(user.role), locale });
	const timeZone = user.profile.timezone;
	const day = (iso: string | null) => (iso ? formatDate(iso, { locale, timeZone }) : null);
	const shown = (v: MentorshipView) => ({
		id: v.id,
		status: v.status,
		myPart: v.myPart,
		source: v.source,
		mentee: { displayName: v.mentee.displayName, countryName: countryName(v.mentee.country, locale) },
		mentor: { displayName: v.mentor.displayName, countryName: countryName(v.mentor.country, locale) },
		waitingFor: v.waitingFor,
		reasons: v.reasons,
		spaceId: v.spaceId,
		endedReason: v.endedReason,
		proposed: day(v.proposedAt),
		started: day(v.activatedAt),
		ended: day(v.endedAt)
	});
	const requested = event.url.searchParams.get('requested');
	const mine = list.map(shown);
	return {
		mentorships: mine,
		staff: isStaff(user.role),
		role: user.role,
		// A mentee with nothing live may look for a mentor themselves.
		canLook: user.role === 'mentee' && !mine.some((x) => x.status === 'proposed' || x.status === 'active' || x.status === 'paused'),
		requested: requested ? (mine.find((x) => x.id === requested) ?? null) : null
	};
};

async function answer(event: RequestEvent, yes: boolean) {
	const user = requireUser(event);
	const { app, locale } = event.locals;
	const values = formValues(await event.request.formData());
	const parsed = id.safeParse(values.id);
	try {
		if (!parsed.success) throw notFound();
		if (yes) await app.matching.accept({ user, id: parsed.data });
		else await app.matching.decline({ user, id: parsed.data });
		const after = await app.matching.get({ user, id: parsed.data, locale }).catch(() => null);
		const other = after ? (after.myPart === 'mentee' ? after.mentor : after.mentee) : null;
		const state: AnswerState = {
			form: `answer:${parsed.data}`,
			ok: true,
			done: !yes ? 'declined' : after?.status === 'active' ? 'started' : 'accepted',
			name: other?.displayName ?? '',
			spaceId: after?.spaceId ?? null
		};
		return state;
	} catch (e) {
		return failFromError(e, { locale, values, form: `answer:${values.id}` });
	}
}

export const actions: Actions = {
	accept: (event) => answer(event, true),
	decline: (event) => answer(event, false)
};
