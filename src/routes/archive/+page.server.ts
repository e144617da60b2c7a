import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages.js';
import { DOCUMENT_KINDS } from '$lib/protocol/docs';
import type { ArchiveQuery } from '$lib/protocol/exhibitions';
import { errorMessage } from '$server/i18n';
import { creditLine, languageName, refuse } from '../_lib/exhibitions.server';
import { signInUrl } from '../_lib/forms.server';
import { formatDate, languageOptions } from '../_lib/options.server';
import type { PageServerLoad } from './$types';

const FIELDS = ['q', 'lang', 'kind', 'from', 'to'] as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
/** The search in the address; empty fields are no filter. */
const archiveQuery = z.object({
	q: z.string().trim().max(200),
	lang: z.union([z.literal(''), z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)]),
	kind: z.union([z.literal(''), z.enum(DOCUMENT_KINDS)]),
	from: z.union([z.literal(''), day]),
	to: z.union([z.literal(''), day])
});

/**
 * The program's archive, for signed-in members: a search by words, language, kind and dates (a GET form, so it works
 * without JavaScript and can be shared), and each finished work with its public credits and download links.
 */
export const load: PageServerLoad = async (event) => {
	const { user, app, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const values = Object.fromEntries(FIELDS.map((f) => [f, event.url.searchParams.get(f) ?? ''])) as Record<(typeof FIELDS)[number], string>;
	const parsed = archiveQuery.safeParse(values);
	const errors: Record<string, string> = {};
	if (!parsed.success) {
		const sentence = { q: m.archive_q_invalid, lang: m.archive_choice_invalid, kind: m.archive_choice_invalid, from: m.archive_date_invalid, to: m.archive_date_invalid };
		for (const issue of parsed.error.issues) {
			const field = issue.path[0] as (typeof FIELDS)[number];
			errors[field] ??= sentence[field]({}, { locale });
		}
	}
	let items: Awaited<ReturnType<typeof app.exhibitions.archive>> = [];
	if (parsed.success) {
		const query: ArchiveQuery = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== '')) as ArchiveQuery;
		try {
			items = await app.exhibitions.archive({ user, query, locale });
		} catch (e) {
			refuse(e, locale);
		}
	}
	const timeZone = user.profile.timezone;
	return {
		values,
		errors,
		message: parsed.success ? null : errorMessage('invalid_input', locale),
		searched: FIELDS.some((f) => values[f] !== ''),
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
