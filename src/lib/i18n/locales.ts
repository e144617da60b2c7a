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
