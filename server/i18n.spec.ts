import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/lib/protocol/codes';
import { UI_LOCALES } from '../src/lib/i18n/locales';
import { errorMessage, localeFor, negotiateLocale } from './i18n';

describe('locale negotiation', () => {
	it('picks the highest-ranked supported language, falling back from region to language', () => {
		expect(negotiateLocale('de-DE,de;q=0.9,es-MX;q=0.8,en;q=0.5')).toBe('es');
		expect(negotiateLocale('ar-EG')).toBe('ar');
		expect(negotiateLocale('fr;q=0.3, en;q=0.7')).toBe('en');
	});
	it('returns nothing for unsupported or malformed headers', () => {
		expect(negotiateLocale('de, ja')).toBeUndefined();
		expect(negotiateLocale(';;,,q=')).toBeUndefined();
		expect(negotiateLocale(undefined)).toBeUndefined();
	});
	it('the profile language beats the browser', () => {
		expect(localeFor({ uiLanguage: 'ar', acceptLanguage: 'es' })).toBe('ar');
		expect(localeFor({ uiLanguage: null, acceptLanguage: 'es' })).toBe('es');
		expect(localeFor({})).toBe('en');
	});
});

describe('error catalog', () => {
	it('every error code has a sentence in every UI language', () => {
		for (const locale of UI_LOCALES) {
			for (const code of ERROR_CODES) {
				const text = errorMessage(code, locale);
				expect(text, `${locale}: error_${code}`).not.toBe(code);
				expect(text.length).toBeGreaterThan(3);
			}
		}
	});
	it('Spanish and English differ, so translations are not copies', () => {
		expect(errorMessage('email_taken', 'es')).not.toBe(errorMessage('email_taken', 'en'));
		expect(errorMessage('email_taken', 'ar')).not.toBe(errorMessage('email_taken', 'en'));
	});
});
