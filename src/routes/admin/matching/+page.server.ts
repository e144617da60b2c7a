import { fail, redirect } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { m } from '$lib/paraglide/messages.js';
import type { ProgramSettings } from '$server/matching/program-settings';
import type { SettingsPatch } from '$server/matching/validation';
import type { UiLocale as Locale } from '$lib/i18n/locales';
import { failFromError, formValues, type FormState } from '../../_lib/forms.server';
import { requireAdminPage } from '../../_lib/admin.server';
import { formatDateTime } from '../../_lib/options.server';
import type { Actions, PageServerLoad } from './$types';

/** The weights an admin may change for one run, in the order the form shows them. */
const WEIGHT_KEYS = ['passions', 'language', 'availability', 'crossBorder', 'goals', 'genderPreference'] as const;

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { locale, app } = event.locals;
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone: admin.profile.timezone });
	const rounds = await app.matching.rounds.list();
	return {
		rounds: rounds.map((r) => ({ ...r, created: when(r.createdAt), published: r.publishedAt ? when(r.publishedAt) : null })),
		defaults: await app.matching.settings.get(),
		weightKeys: WEIGHT_KEYS
	};
};

/** A number from the form within [min, max], or the error code for it; empty means "keep the default". */
function numberField(raw: string | undefined, min: number, max: number): number | undefined | 'invalid' {
	if (raw === undefined || raw.trim() === '') return undefined;
	const n = Number(raw.replace(',', '.'));
	return Number.isFinite(n) && n >= min && n <= max ? n : 'invalid';
}

/**
 * The weights and minimum overlap from the form, or errors keyed by field. `changedFrom`: only values that differ
 * from these settings are kept (a round's changes); without it every value given is kept (the program's settings).
 */
function readSettings(values: Record<string, string>, locale: Locale, changedFrom?: ProgramSettings) {
	const errors: Record<string, string> = {};
	const settings: SettingsPatch = {};
	const weights: NonNullable<SettingsPatch['weights']> = {};
	for (const key of WEIGHT_KEYS) {
		const n = numberField(values[`weight.${key}`], 0, 10);
		if (n === 'invalid') errors[`weight.${key}`] = m.matching_ui_weight_invalid({}, { locale });
		else if (n !== undefined && n !== changedFrom?.weights[key]) weights[key] = n;
	}
	if (Object.keys(weights).length > 0) settings.weights = weights;
	const overlap = numberField(values.minOverlapHours, 0, 40);
	if (overlap === 'invalid') errors.minOverlapHours = m.matching_ui_overlap_invalid({}, { locale });
	else if (overlap !== undefined && overlap !== changedFrom?.minOverlapHours) settings.minOverlapHours = overlap;
	return { errors, settings };
}

export const actions: Actions = {
	/** Runs a round with the program's settings and whatever the form changed of them for this run. */
	run: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const values = formValues(await event.request.formData());
		const { errors, settings } = readSettings(values, locale, await app.matching.settings.get());
		if (Object.keys(errors).length > 0) {
			const state: FormState = { form: 'run', message: errorMessage('invalid_input', locale), errors, values };
			return fail(400, state);
		}
		let roundId: string;
		try {
			roundId = (await app.matching.rounds.run({ actorId: admin.id, settings, locale })).id;
		} catch (e) {
			return failFromError(e, { locale, values, form: 'run' });
		}
		redirect(303, `/admin/matching/${roundId}?ran`);
	},

	/** Keeps the form's weights and minimum overlap as the program's settings: later rounds and self-match use them. */
	saveSettings: async (event) => {
		const admin = requireAdminPage(event);
		const { locale, app } = event.locals;
		const values = formValues(await event.request.formData());
		const { errors, settings } = readSettings(values, locale);
		if (Object.keys(errors).length > 0) {
			const state: FormState = { form: 'run', message: errorMessage('invalid_input', locale), errors, values };
			return fail(400, state);
		}
		try {
			await app.matching.settings.update({ actorId: admin.id, patch: settings });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'run' });
		}
		return { form: 'run', saved: true };
	}
};
