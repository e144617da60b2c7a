import { error, redirect } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { languageDirection, type UiLocale } from '$lib/i18n/locales';
import { m } from '$lib/paraglide/messages.js';
import type { PublicCredit, TranslatedText } from '$lib/protocol/exhibitions';

/** A text as a page shows it: its lang and dir, and the original it was machine translated from, if any. */
export interface TextView {
	text: string;
	lang: string;
	dir: 'ltr' | 'rtl';
	original: { text: string; lang: string; dir: 'ltr' | 'rtl'; language: string; provider: string } | null;
}

/** The name of a language in the reader's language ("Spanish", "espagnol"...), or the tag itself if unknown. */
export function languageName(tag: string, locale: UiLocale): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** What a page needs of a TranslatedText (never more than the service sent). */
export function textView(t: TranslatedText, locale: UiLocale): TextView {
	return {
		text: t.text,
		lang: t.lang,
		dir: languageDirection(t.lang),
		original: t.original
			? { text: t.original.text, lang: t.original.lang, dir: languageDirection(t.original.lang), language: languageName(t.original.lang, locale), provider: t.original.provider }
			: null
	};
}

// First strong isolate … pop directional isolate: a Latin name keeps its shape in an Arabic sentence and the other way round.
const isolate = (s: string) => `\u2068${s}\u2069`;

/** "A. B., Spain · Anonymous": each credit as its people allowed, in the reader's language. */
export function creditLine(credits: PublicCredit[], locale: UiLocale): string {
	return credits
		.map((c) => {
			const name = c.name ? isolate(c.name) : m.exh_anonymous({}, { locale });
			return c.country ? m.exh_credit_country({ name, country: c.country }, { locale }) : name;
		})
		.join(' · ');
}

/**
 * A service's refusal, as the page or download answers it: waiting for or without consent goes to the consent page,
 * anything else is its status with its sentence in the reader's language; unknown errors go on to handleError.
 */
export function refuse(e: unknown, locale: UiLocale): never {
	if (!isAppError(e)) throw e;
	if (e.code === 'consent_pending' || e.code === 'consent_withdrawn') redirect(303, '/consent');
	error(e.status, { message: errorMessage(e.code, locale), code: e.code });
}

/** `attachment` with `filename="ascii"` for old clients and `filename*` (RFC 6266/8187) for the real, possibly non-Latin, name. */
export function attachment(filename: string): string {
	const ascii =
		filename
			.normalize('NFKD')
			.replace(/[^\x20-\x7e]/g, '')
			.replace(/["\\]/g, '')
			.replace(/\s+/g, ' ')
			.trim() || 'tessera-work';
	// RFC 8187's attr-char leaves out ' ( ) *, which encodeURIComponent keeps.
	const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * The server's sanitised HTML of a text work with its headings moved `by` levels down (at most h6), so they sit
 * under the work's own heading. Only tags are touched: the sanitiser escapes every `<` in text and attributes.
 */
export function demoteHeadings(html: string, by = 2): string {
	return html.replace(/<(\/?)h([1-6])(?=[\s>])/gi, (_, slash: string, level: string) => `<${slash}h${Math.min(6, Number(level) + by)}`);
}
