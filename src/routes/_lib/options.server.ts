import { COUNTRY_CODES } from '$server/accounts/countries';

export interface Option {
	value: string;
	label: string;
	/** Language of the label, when it differs from the page (autonyms). */
	lang?: string;
}

/**
 * Reading and spoken languages offered in forms. Any well-formed BCP 47 tag is accepted by the server; this
 * is the list people pick from (a profile's own tag is always added if it is missing).
 */
export const LANGUAGE_TAGS = [
	'en', 'es', 'fr', 'ar', 'pt', 'pt-BR', 'de', 'it', 'nl', 'sw', 'hi', 'bn', 'ur', 'pa', 'ta', 'te', 'mr',
	'zh', 'zh-TW', 'ja', 'ko', 'ru', 'uk', 'pl', 'ro', 'el', 'tr', 'fa', 'ps', 'he', 'id', 'ms', 'tl', 'vi',
	'th', 'km', 'my', 'ne', 'am', 'ti', 'so', 'om', 'yo', 'ha', 'ig', 'zu', 'xh', 'af', 'rw', 'ln', 'mg', 'qu', 'ht'
];

const collator = (locale: string) => new Intl.Collator(locale);

/** Countries by name in the reader's language. */
export function countryOptions(locale: string): Option[] {
	const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
	const sort = collator(locale);
	return [...COUNTRY_CODES]
		.map((code) => ({ value: code, label: names.of(code) ?? code }))
		.sort((a, b) => sort.compare(a.label, b.label));
}

/** Languages by name in the reader's language, each followed by its own name ("Arabic · العربية"). */
export function languageOptions(locale: string, extra: string[] = []): Option[] {
	const names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' });
	const sort = collator(locale);
	const tags = [...new Set([...LANGUAGE_TAGS, ...extra.filter(Boolean)])];
	return tags
		.map((tag) => {
			const name = safeName(names, tag);
			const own = safeName(new Intl.DisplayNames([tag], { type: 'language', fallback: 'code' }), tag);
			return { value: tag, label: own && own !== name ? `${name} · ${own}` : name };
		})
		.sort((a, b) => sort.compare(a.label, b.label));
}

function safeName(names: Intl.DisplayNames, tag: string): string {
	try {
		return names.of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** IANA time zones, UTC first. */
export function timezoneOptions(): Option[] {
	const zones = Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC');
	return [{ value: 'UTC', label: 'UTC' }, ...zones.map((z) => ({ value: z, label: z.replaceAll('_', ' ').replaceAll('/', ' / ') }))];
}

/** One country's name in the reader's language. */
export function countryName(code: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
	} catch {
		return code;
	}
}

/** A moment in the reader's language and time zone, e.g. "3 May 2026, 14:05". */
export function formatDateTime(iso: string, { locale, timeZone }: { locale: string; timeZone: string }): string {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso));
}

export function formatDate(iso: string, { locale, timeZone }: { locale: string; timeZone: string }): string {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, no time of day) in the reader's language, e.g. "14 May 2010"; as given if malformed. */
export function formatCalendarDate(date: string, locale: string): string {
	const [y, mo, d] = date.split('-').map(Number);
	if (!y || !mo || !d) return date;
	// Noon UTC, formatted in UTC, so no time zone can move it to another day.
	return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, d, 12)));
}
