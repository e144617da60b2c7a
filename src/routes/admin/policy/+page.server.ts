import { fail } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { checkPolicy, policyPatch } from '$server/safeguarding/policy';
import { fieldsFromZod } from '$lib/server/errors';
import { m } from '$lib/paraglide/messages.js';
import type { ErrorCode } from '$lib/protocol/codes';
import type { UiLocale } from '$lib/i18n/locales';
import { requireAdminPage } from '../../_lib/admin.server';
import { countryName, countryOptions, formatDateTime } from '../../_lib/options.server';
import { readPolicyForm, type CountryRow, type RowError } from './policy-form';
import type { Actions, PageServerLoad } from './$types';

/** What the action hands back: a sentence, one per field or row, and what was typed. */
interface PolicyFormState {
	ok?: boolean;
	changed?: boolean;
	message?: string;
	errors?: Record<string, string>;
	values?: Record<string, string>;
	rows?: CountryRow[];
}

const rowMessage = (code: RowError, locale: UiLocale) => (code === 'duplicate' ? m.admin_policy_country_duplicate({}, { locale }) : errorMessage(code, locale));

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const policy = await app.safeguarding.policy();
	const editor = policy.updatedBy ? await app.accounts.getMe(policy.updatedBy) : null;
	return {
		policy: {
			minorAge: policy.minorAge,
			consentAge: policy.consentAge,
			supervisedSpacesForMinors: policy.supervisedSpacesForMinors,
			contactFilterForMinors: policy.contactFilterForMinors,
			retentionDays: policy.retentionDays,
			countries: Object.entries(policy.consentAgeByCountry)
				.map(([code, age]) => ({ code, name: countryName(code, locale), age }))
				.sort((a, b) => a.name.localeCompare(b.name, locale))
		},
		// Never changed (the row as the migration made it) or changed by someone since deleted.
		updated: policy.updatedBy
			? { at: formatDateTime(policy.updatedAt, { locale, timeZone: admin.profile.timezone }), by: editor?.profile.displayName ?? '' }
			: null,
		countryOptions: countryOptions(locale)
	};
};

export const actions: Actions = {
	save: async (event) => {
		const admin = requireAdminPage(event);
		const { app, locale } = event.locals;
		const form = readPolicyForm(await event.request.formData());
		const refuse = (fields: Record<string, ErrorCode>) => {
			const errors: Record<string, string> = {};
			for (const [field, code] of Object.entries(fields)) errors[field] = errorMessage(code, locale);
			for (const [key, code] of Object.entries(form.rowErrors)) errors[key] = rowMessage(code, locale);
			const state: PolicyFormState = { message: errorMessage('invalid_input', locale), errors, values: form.values, rows: form.rows };
			return fail(400, state);
		};

		const parsed = policyPatch.safeParse(form.input);
		const fields: Record<string, ErrorCode> = parsed.success ? {} : fieldsFromZod(parsed.error);
		// Row problems are reported row by row, not as one error for the whole list.
		delete fields.consentAgeByCountry;
		if (parsed.success) Object.assign(fields, checkPolicy(form.input));
		delete fields.consentAgeByCountry;
		if (!parsed.success || Object.keys(fields).length > 0 || Object.keys(form.rowErrors).length > 0) return refuse(fields);

		const before = await app.safeguarding.policy();
		let after;
		try {
			// The service writes one policy.update audit entry naming what changed (none when nothing did).
			after = await app.safeguarding.updatePolicy({ actorId: admin.id, patch: parsed.data });
		} catch (e) {
			if (isAppError(e) && e.code === 'invalid_input') return refuse((e.fields ?? {}) as Record<string, ErrorCode>);
			throw e;
		}
		const state: PolicyFormState = { ok: true, changed: after.updatedAt !== before.updatedAt };
		return state;
	}
};
