import { describe, expect, it } from 'vitest';
import { languageDirection } from './locales';

describe('languageDirection', () => {
	it('is rtl for languages written right to left, with or without a region, and for Arabic or Hebrew script tags', () => {
		for (const tag of ['ar', 'ar-EG', 'fa', 'he', 'ur', 'ps', 'yi', 'AR', 'pa-Arab', 'az-Arab-IR']) expect(languageDirection(tag), tag).toBe('rtl');
	});
	it('is ltr for everything else', () => {
		for (const tag of ['en', 'es', 'fr', 'pt-BR', 'zh-TW', 'sw', 'tr', 'pa', 'arn']) expect(languageDirection(tag), tag).toBe('ltr');
	});
});
