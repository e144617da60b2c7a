import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { m } from '$lib/paraglide/messages.js';
import { failFromError, formValues, type FormState } from '../../../_lib/forms.server';
import { requireAdminPage } from '../../../_lib/admin.server';
import { countryName, formatDateTime } from '../../../_lib/options.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const uuid = z.uuid();

/** What the round's actions hand back: which action answered, and what the page says about it. */
export interface RoundFormState extends FormState {
	done?: 'removed' | 'paired' | 'published';
	/** Names for the sentence that says what was done. */
	mentee?: string;
	mentor?: string;
	count?: number;
}

function roundOf(event: Pick<RequestEvent, 'params' | 'locals'>): string {
	const id = uuid.safeParse(event.params.id);
	if (!id.success) error(404, { message: errorMessage('not_found', event.locals.locale), code: 'not_found' });
	return id.data;
}

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { locale, app } = event.locals;
	const roundId = roundOf(event);
	let round;
	try {
		round = await app.matching.rounds.get({ roundId, locale });
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
		throw e;
	}
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone: admin.profile.timezone });
	const minors = [...new Set([...round.proposals.map((p) => p.mentee), ...round.unmatched.map((u) => u.mentee)].filter((p) => p.minor).map((p) => p.id))];
	// A minor under the consent age needs their guardian's yes too: the admin sees it before publishing.
	const guardianNeeded = new Set((await Promise.all(minors.map(async (id) => ((await app.safeguarding.underConsentAge(id)) ? id : null)))).filter(Boolean));
	const person = (p: (typeof round.proposals)[number]['mentee']) => ({
		id: p.id,
		displayName: p.displayName,
		countryName: countryName(p.country, locale),
		minor: p.minor,
		vettedForMinors: p.vettedForMinors,
		guardianNeeded: guardianNeeded.has(p.id)
	});
	return {
		round: {
			id: round.id,
			status: round.status,
			created: when(round.createdAt),
			published: round.publishedAt ? when(round.publishedAt) : null,
			totalScore: round.totalScore,
			minOverlapHours: round.settings.minOverlapHours,
			weights: round.settings.weights,
			proposals: round.proposals.map((p) => ({
				mentorshipId: p.mentorshipId,
				status: p.status,
				manual: p.source === 'manual',
				mentee: person(p.mentee),
				mentor: person(p.mentor),
				score: p.score?.total ?? 0,
				overlap: p.score?.overlapHoursPerWeek ?? null,
				reasons: p.reasons
			})),
			unmatched: round.unmatched.map((u) => ({ mentee: person(u.mentee), reason: u.reason, message: u.message, ruledOut: u.ruledOut }))
		},
		mentors: round.status === 'draft' ? (await app.matching.mentorChoices()).map((c) => ({ ...c, countryName: countryName(c.country, locale) })) : [],
		ran: event.url.searchParams.has('ran')
	};
};

const pairForm = z.object({ menteeId: z.uuid({ error: 'required' }), mentorId: z.uuid({ error: 'required' }) });

export const actions: Actions = {
	remove: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const roundId = roundOf(event);
		const values = formValues(await event.request.formData());
		const menteeId = uuid.safeParse(values.menteeId);
		if (!menteeId.success) return fail(400, { form: 'remove', message: errorMessage('not_found', locale) } satisfies RoundFormState);
		try {
			await app.matching.rounds.adjust({ actorId: admin.id, roundId, changes: [{ menteeId: menteeId.data, mentorId: null }], locale });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'remove' });
		}
		return { form: 'remove', ok: true, done: 'removed', mentee: values.menteeName ?? '' } satisfies RoundFormState;
	},

	pair: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const roundId = roundOf(event);
		const values = formValues(await event.request.formData());
		const parsed = pairForm.safeParse(values);
		if (!parsed.success) {
			const errors: Record<string, string> = {};
			for (const issue of parsed.error.issues) errors[String(issue.path[0])] = m.matching_ui_pair_choose({}, { locale });
			return fail(400, { form: 'pair', message: errorMessage('invalid_input', locale), errors, values } satisfies RoundFormState);
		}
		let names: { mentee: string; mentor: string } = { mentee: '', mentor: '' };
		try {
			const round = await app.matching.rounds.adjust({ actorId: admin.id, roundId, changes: [{ ...parsed.data }], locale });
			const made = round.proposals.find((p) => p.mentee.id === parsed.data.menteeId);
			names = { mentee: made?.mentee.displayName ?? '', mentor: made?.mentor.displayName ?? '' };
		} catch (e) {
			return failFromError(e, { locale, values, form: 'pair' });
		}
		return { form: 'pair', ok: true, done: 'paired', ...names } satisfies RoundFormState;
	},

	publish: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const roundId = roundOf(event);
		const values = formValues(await event.request.formData());
		if (values.confirm !== 'yes') {
			return fail(400, { form: 'publish', message: errorMessage('invalid_input', locale), errors: { confirm: m.matching_ui_publish_confirm_missing({}, { locale }) } } satisfies RoundFormState);
		}
		let count = 0;
		try {
			count = (await app.matching.rounds.publish({ actorId: admin.id, roundId, baseUrl: event.url.origin, locale })).proposals.length;
		} catch (e) {
			return failFromError(e, { locale, values, form: 'publish' });
		}
		return { form: 'publish', ok: true, done: 'published', count } satisfies RoundFormState;
	},

	discard: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const roundId = roundOf(event);
		try {
			await app.matching.rounds.discard({ actorId: admin.id, roundId });
		} catch (e) {
			return failFromError(e, { locale, values: {}, form: 'discard' });
		}
		redirect(303, '/admin/matching');
	}
};
