/** UI languages shipped with Tessera. Kept in step with project.inlang/settings.json. */
export const UI_LOCALES = ['en', 'es', 'fr', 'ar'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];

export const RTL_LOCALES: ReadonlySet<UiLocale> = new Set(['ar']);

export function isUiLocale(s: unknown): s is UiLocale {
	return typeof s === 'string' && (UI_LOCALES as readonly string[]).includes(s);
}

export function textDirection(locale: UiLocale): 'rtl' | 'ltr' {
	return RTL_LOCALES.has(locale) ? 'rtl' : 'ltr';
}

/** Each language's name in itself, for the language switcher. */
export const LOCALE_NAMES: Record<UiLocale, string> = {
	en: 'English',
	es: 'Español',
	fr: 'Français',
	ar: 'العربية'
};

/** Scripts written right to left, by the language subtag of any BCP 47 tag (content languages, not only the UI's). */
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);

/** The direction of text written in `tag` ("es", "ar-EG", "fa"...): for the `dir` beside a `lang`. */
export function languageDirection(tag: string): 'rtl' | 'ltr' {
	const lower = tag.toLowerCase();
	const base = lower.split('-')[0] ?? '';
	return RTL_LANGUAGES.has(base) || /-(arab|hebr|thaa|syrc)(-|$)/.test(lower) ? 'rtl' : 'ltr';
}
