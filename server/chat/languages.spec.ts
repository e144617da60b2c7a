import { describe, expect, it } from 'vitest';
import { createLanguagePresence, languageRoom, parseLanguageRoom, spaceRoom, translationTarget } from './languages';

describe('translation targets', () => {
	it('regional variants of a language share one target', () => {
		for (const tag of ['es', 'es-MX', 'es-419', 'ES']) expect(translationTarget(tag), tag).toBe('es');
		expect(translationTarget('pt-BR')).toBe('pt');
		expect(translationTarget('sr-Latn-RS')).toBe('sr');
	});
	it('Chinese keeps Simplified and Traditional apart', () => {
		expect(translationTarget('zh')).toBe('zh');
		expect(translationTarget('zh-CN')).toBe('zh');
		expect(translationTarget('zh-Hans')).toBe('zh');
		expect(translationTarget('zh-TW')).toBe('zh-Hant');
		expect(translationTarget('zh-Hant-HK')).toBe('zh-Hant');
	});
});

describe('language presence', () => {
	const a = '9b2b6a52-8c55-4a43-9d4b-0f0f7a1f5c11';
	const b = '0c1d1f54-7c8d-4e65-9a7a-5a2f1e0a9b22';

	it('parses only language rooms', () => {
		expect(parseLanguageRoom(languageRoom(a, 'zh-Hant'))).toEqual({ spaceId: a, target: 'zh-Hant' });
		expect(parseLanguageRoom(spaceRoom(a))).toBeNull();
		expect(parseLanguageRoom('user:x')).toBeNull();
	});

	it('follows rooms being created and deleted, per space', () => {
		const p = createLanguagePresence();
		p.roomCreated(spaceRoom(a));
		p.roomCreated(languageRoom(a, 'es'));
		p.roomCreated(languageRoom(a, 'en'));
		p.roomCreated(languageRoom(b, 'fr'));
		expect(p.targets(a).sort()).toEqual(['en', 'es']);
		expect(p.targets(b)).toEqual(['fr']);
		p.roomDeleted(languageRoom(a, 'es'));
		expect(p.targets(a)).toEqual(['en']);
		p.roomDeleted(languageRoom(b, 'fr'));
		expect(p.targets(b)).toEqual([]);
	});
});
