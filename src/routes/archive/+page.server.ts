import { redirect } from '@sveltejs/kit';
import { fieldsFromZod } from '$lib/server/errors';
import { archiveQuery } from '$server/exhibitions/validation';
import { errorMessage } from '$server/i18n';
import { creditLine, languageName, refuse } from '../_lib/exhibitions.server';
import { signInUrl } from '../_lib/forms.server';
import { formatDate, languageOptions } from '../_lib/options.server';
import type { PageServerLoad } from './$types';

const FIELDS = ['q', 'lang', 'kind', 'from', 'to'] as const;

/**
 * The program's archive, for signed-in members: a search by words, language, kind and dates (a GET form, so it works
 * without JavaScript and can be shared), and each finished work with its public credits and download links.
 */
export const load: PageServerLoad = async (event) => {
	const { user, app, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const values = Object.fromEntries(FIELDS.map((f) => [f, event.url.searchParams.get(f) ?? ''])) as Record<(typeof FIELDS)[number], string>;
	// The API's own schema: an empty field is no filter; a date must be a real calendar day.
	const parsed = archiveQuery.safeParse(Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '')));
	const errors: Record<string, string> = parsed.success ? {} : Object.fromEntries(Object.entries(fieldsFromZod(parsed.error)).map(([field, code]) => [field, errorMessage(code, locale)]));
	let items: Awaited<ReturnType<typeof app.exhibitions.archive>> = [];
	if (parsed.success) {
		try {
			items = await app.exhibitions.archive({ user, query: parsed.data, locale });
		} catch (e) {
			refuse(e, locale);
		}
	}
	const timeZone = user.profile.timezone;
	return {
		values,
		errors,
		message: parsed.success ? null : errorMessage('invalid_input', locale),
		languages: languageOptions(locale, values.lang && !errors.lang ? [values.lang] : []),
		items: items.map((item) => ({
			id: item.id,
			kind: item.kind,
			title: item.title,
			statement: item.statement,
			lang: item.lang,
			credits: creditLine(item.credits, locale),
			languages: item.languages.map((tag) => languageName(tag, locale)).join(', '),
			made: formatDate(item.madeAt, { locale, timeZone }),
			approved: formatDate(item.approvedAt, { locale, timeZone })
		}))
	};
};
