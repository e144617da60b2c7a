import { describe, expect, it } from 'vitest';
import { fromLibreTranslateCode, needsTranslation, normalizeTag, primaryLanguage, toLibreTranslateCode } from './language';

describe('normalizeTag', () => {
	it('canonicalises case, separators and deprecated codes', () => {
		expect(normalizeTag('pt-br')).toBe('pt-BR');
		expect(normalizeTag('en_US')).toBe('en-US');
		expect(normalizeTag(' iw ')).toBe('he');
		expect(normalizeTag('zh-hant-tw')).toBe('zh-Hant-TW');
	});

	it('is null for what is not a language tag', () => {
		expect(normalizeTag('')).toBeNull();
		expect(normalizeTag('auto')).toBeNull();
		expect(normalizeTag('not a tag')).toBeNull();
	});
});

describe('primaryLanguage', () => {
	it('is the lower-case primary subtag', () => {
		expect(primaryLanguage('pt-BR')).toBe('pt');
		expect(primaryLanguage('EN')).toBe('en');
		expect(primaryLanguage('sr-Latn-RS')).toBe('sr');
	});
});

describe('needsTranslation', () => {
	it('is false between regional forms of one language', () => {
		expect(needsTranslation({ source: 'pt-BR', target: 'pt' })).toBe(false);
		expect(needsTranslation({ source: 'en', target: 'en-GB' })).toBe(false);
		expect(needsTranslation({ source: 'ES', target: 'es-419' })).toBe(false);
	});

	it('is true between languages', () => {
		expect(needsTranslation({ source: 'en', target: 'es' })).toBe(true);
		expect(needsTranslation({ source: 'pt-BR', target: 'sw-KE' })).toBe(true);
	});

	it('is true between two named scripts of one language, false when one is implied', () => {
		expect(needsTranslation({ source: 'zh-Hans', target: 'zh-Hant' })).toBe(true);
		expect(needsTranslation({ source: 'zh', target: 'zh-Hant' })).toBe(false);
	});

	it("treats an 'auto' source as needing one and a broken target as never needing one", () => {
		expect(needsTranslation({ source: 'auto', target: 'es' })).toBe(true);
		expect(needsTranslation({ source: 'en', target: '' })).toBe(false);
		expect(needsTranslation({ source: 'en', target: 'auto' })).toBe(false);
	});
});

describe('LibreTranslate codes', () => {
	it('uses primary subtags, and zt for traditional Chinese when the server is not known', () => {
		expect(toLibreTranslateCode('pt-BR')).toBe('pt');
		expect(toLibreTranslateCode('en-GB')).toBe('en');
		expect(toLibreTranslateCode('zh-TW')).toBe('zt');
		expect(toLibreTranslateCode('zh-Hant')).toBe('zt');
		expect(toLibreTranslateCode('zh-CN')).toBe('zh');
	});

	it("picks the server's own code when its languages are known", () => {
		const modern = new Set(['en', 'zh-Hans', 'zh-Hant', 'pt', 'pt-BR']);
		expect(toLibreTranslateCode('zh-TW', modern)).toBe('zh-Hant');
		expect(toLibreTranslateCode('zh', modern)).toBe('zh-Hans');
		expect(toLibreTranslateCode('pt-BR', modern)).toBe('pt-BR');
		expect(toLibreTranslateCode('en-US', modern)).toBe('en');
		expect(toLibreTranslateCode('pt-BR', new Set(['pt', 'pb']))).toBe('pb');
		expect(toLibreTranslateCode('pt-PT', new Set(['pt', 'pb']))).toBe('pt');
	});

	it('maps its codes back to BCP 47', () => {
		expect(fromLibreTranslateCode('zt')).toBe('zh-Hant');
		expect(fromLibreTranslateCode('pb')).toBe('pt-BR');
		expect(fromLibreTranslateCode('zh-Hans')).toBe('zh-Hans');
		expect(fromLibreTranslateCode('es')).toBe('es');
	});
});
