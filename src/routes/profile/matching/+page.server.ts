import { fail, redirect } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { profileInput } from '$server/matching/validation';
import { fieldsFromZod } from '$lib/server/errors';
import { m } from '$lib/paraglide/messages.js';
import { minutesToTime } from '$lib/matching/zoned';
import type { UiLocale } from '$lib/i18n/locales';
import { failFromError, signInUrl } from '../../_lib/forms.server';
import { readMatchingForm, type SlotError, type SlotRow } from './matching-form';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Empty rows shown without JavaScript, so there is room to add times without a script. */
const SPARE_ROWS = 2;
const spareRows = (): SlotRow[] => Array.from({ length: SPARE_ROWS }, () => ({ day: '', start: '', end: '' }));

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

const slotMessage = (code: SlotError, locale: UiLocale): string =>
	({
		day_missing: m.matching_ui_slot_day_missing,
		start_missing: m.matching_ui_slot_start_missing,
		end_missing: m.matching_ui_slot_end_missing,
		end_before_start: m.matching_ui_slot_end_before_start
	})[code]({}, { locale });

const crossBorderValue = (v: boolean | null) => (v === true ? 'other' : v === false ? 'same' : 'any');

/** What the form hands back after a save. */
interface MatchingFormState {
	ok?: boolean;
	message?: string;
	errors?: Record<string, string>;
	values?: Record<string, string>;
	rows?: SlotRow[];
	goals?: string[];
}

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const { matching } = event.locals.app;
	const takesPart = user.role === 'mentee' || user.role === 'mentor';
	const profile = await matching.profile(user.id);
	const rows: SlotRow[] = profile.availability.map((s) => ({ day: String(s.day), start: minutesToTime(s.start), end: minutesToTime(s.end === 1440 ? 0 : s.end) }));
	rows.push(...spareRows());
	return {
		takesPart,
		role: user.role,
		timezone: profile.timezone,
		rows,
		goals: profile.goals,
		goalOptions: [...matching.goals],
		values: {
			capacity: profile.capacity === null ? '' : String(profile.capacity),
			crossBorder: crossBorderValue(profile.crossBorder),
			preferredMentorGender: profile.preferredMentorGender ?? ''
		},
		vettedForMinors: profile.vettedForMinors,
		passions: user.profile.passions,
		languages: user.profile.languages.map((l) => ({ tag: l.tag, level: l.level }))
	};
};

export const actions: Actions = {
	save: async (event) => {
		const user = requireUser(event);
		const { locale } = event.locals;
		const form = readMatchingForm(await event.request.formData());
		const errors: Record<string, string> = {};
		for (const [key, code] of Object.entries(form.rowErrors)) errors[key] = slotMessage(code, locale);
		const input: Record<string, unknown> = { availability: form.slots, goals: form.goals };
		if (user.role === 'mentor') {
			input.capacity = form.values.capacity === '' ? undefined : Number(form.values.capacity);
			if (input.capacity === undefined) errors.capacity = errorMessage('matching_capacity_invalid', locale);
		} else {
			const choice = form.values.crossBorder;
			input.crossBorder = choice === 'other' ? true : choice === 'same' ? false : null;
			input.preferredMentorGender = form.values.preferredMentorGender || null;
		}
		// The same rules as the JSON API: slots merged where they touch, at most 28, goals at most 10...
		const parsed = profileInput.safeParse(input);
		if (!parsed.success) {
			for (const [field, code] of Object.entries(fieldsFromZod(parsed.error))) errors[field] ??= errorMessage(code, locale);
		}
		// What was typed comes back, with room to add more times without a script.
		const again = { values: form.values, rows: [...form.rows, ...spareRows()], goals: form.goals };
		if (Object.keys(errors).length > 0 || !parsed.success) {
			const state: MatchingFormState = { message: errorMessage('invalid_input', locale), errors, ...again };
			return fail(400, state);
		}
		try {
			await event.locals.app.matching.updateProfile({ user, patch: parsed.data });
		} catch (e) {
			const failed = failFromError(e, { locale, values: form.values });
			return fail(failed.status, { ...failed.data, ...again } satisfies MatchingFormState);
		}
		const state: MatchingFormState = { ok: true };
		return state;
	}
};
