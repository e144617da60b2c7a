import { describe, expect, it } from 'vitest';
import { createLanguagePresence, createRemoteLanguages, languageRoom, parseLanguageRoom, spaceRoom, translationTarget } from './languages';

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

describe('languages of other processes', () => {
	const a = '9b2b6a52-8c55-4a43-9d4b-0f0f7a1f5c11';
	const b = '0c1d1f54-7c8d-4e65-9a7a-5a2f1e0a9b22';

	it('unites what every process announced, per space; a full list replaces what was known of its process', () => {
		const r = createRemoteLanguages({ ttlMs: 30_000 });
		r.update('n1', a, ['es'], 0);
		r.update('n2', a, ['fr', 'es'], 0);
		r.update('n2', b, ['de'], 0);
		expect(r.targets(a, 1).sort()).toEqual(['es', 'fr']);
		r.replace('n2', { [a]: ['en'] }, 2);
		expect(r.targets(a, 3).sort()).toEqual(['en', 'es']);
		expect(r.targets(b, 3)).toEqual([]);
		r.update('n1', a, [], 4);
		expect(r.targets(a, 5)).toEqual(['en']);
		r.drop('n2');
		expect(r.targets(a, 6)).toEqual([]);
	});

	it('forgets a process whose last full list is too old (it stopped announcing: it is gone)', () => {
		const r = createRemoteLanguages({ ttlMs: 30_000 });
		r.replace('n1', { [a]: ['es'] }, 0);
		expect(r.targets(a, 30_000)).toEqual(['es']);
		expect(r.targets(a, 30_001)).toEqual([]);
		r.update('n1', a, ['fr'], 30_002);
		expect(r.targets(a, 30_003)).toEqual(['fr']);
	});
});
