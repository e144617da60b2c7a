import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { changePasswordInput, profileUpdate } from '$server/accounts/validation';
import { clearSessionCookie, LOCALE_COOKIE, setLocaleCookie } from '$lib/server/session-cookie';
import { failFromError, formValues, invalid, signInUrl, type FormState } from '../_lib/forms.server';
import { countryOptions, formatCalendarDate, languageOptions, timezoneOptions } from '../_lib/options.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const deletionForm = z.object({
	password: z.string({ error: 'required' }).min(1, { error: 'required' }).max(1024, { error: 'password_too_long' }),
	confirm: z.literal('yes', { error: 'required' })
});

const MAX_LANGUAGE_ROWS = 5;
/** Rows shown without JavaScript, so there is room to add languages without a script. */
const STATIC_LANGUAGE_ROWS = 3;

function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return event.locals.user;
}

export const load: PageServerLoad = (event) => {
	const { profile } = requireUser(event);
	const { locale } = event.locals;
	const rows = profile.languages.slice(0, MAX_LANGUAGE_ROWS).map((l) => ({ tag: l.tag, level: l.level }));
	while (rows.length < STATIC_LANGUAGE_ROWS) rows.push({ tag: '', level: 'conversational' });
	return {
		// Their own profile, for their own eyes only.
		profile,
		// Read-only: age decides safeguarding rules, so only program staff may correct it.
		birthDateText: formatCalendarDate(profile.birthDate, locale),
		languageRows: rows,
		maxLanguages: MAX_LANGUAGE_ROWS,
		saved: event.url.searchParams.has('saved'),
		countries: countryOptions(locale),
		languages: languageOptions(locale, [profile.readingLanguage, ...profile.languages.map((l) => l.tag)]),
		timezones: timezoneOptions()
	};
};

/** `languages.<i>.tag` / `languages.<i>.level` pairs from the form; rows without a language are skipped. */
function languageRowsFrom(values: Record<string, string>) {
	const rows: { tag: string; level: string }[] = [];
	for (let i = 0; i < 10; i++) {
		const tag = values[`languages.${i}.tag`]?.trim();
		if (tag) rows.push({ tag, level: values[`languages.${i}.level`] ?? '' });
	}
	return rows;
}

export const actions: Actions = {
	profile: async (event) => {
		const user = requireUser(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = profileUpdate.safeParse({
			displayName: values.displayName,
			country: values.country,
			timezone: values.timezone,
			readingLanguage: values.readingLanguage,
			uiLanguage: values.uiLanguage ? values.uiLanguage : null,
			languages: languageRowsFrom(values),
			// Commas in any script: Latin, Arabic, CJK.
			passions: (values.passions ?? '').split(/[,،、，]/).map((p) => p.trim()).filter(Boolean),
			bio: values.bio ?? '',
			gender: values.gender?.trim() ? values.gender : null
		});
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'profile' });

		try {
			await event.locals.app.accounts.updateProfile(user.id, parsed.data);
		} catch (e) {
			return failFromError(e, { locale, values, form: 'profile' });
		}
		const uiLanguage = parsed.data.uiLanguage ?? null;
		if (uiLanguage !== user.profile.uiLanguage) {
			if (uiLanguage) setLocaleCookie(event, uiLanguage);
			else event.cookies.delete(LOCALE_COOKIE, { path: '/' });
			// The page must come back in the new language: a fresh load says "saved" from the URL.
			redirect(303, '/profile?saved');
		}
		const state: FormState = { form: 'profile', ok: true };
		return state;
	},

	password: async (event) => {
		const user = requireUser(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = changePasswordInput.safeParse({ currentPassword: values.currentPassword, newPassword: values.newPassword });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'password' });
		try {
			await event.locals.app.accounts.changePassword({ userId: user.id, sessionId: event.locals.session!.id, ...parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'password' });
		}
		const state: FormState = { form: 'password', ok: true };
		return state;
	},

	deleteAccount: async (event) => {
		const user = requireUser(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = deletionForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'delete' });
		try {
			await event.locals.app.privacy.deleteAccount({ userId: user.id, password: parsed.data.password });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'delete' });
		}
		clearSessionCookie(event);
		redirect(303, '/signin?deleted');
	},

	signOutEverywhere: async (event) => {
		const user = requireUser(event);
		await event.locals.app.accounts.signOutEverywhere(user.id);
		clearSessionCookie(event);
		redirect(303, '/signin');
	}
};
