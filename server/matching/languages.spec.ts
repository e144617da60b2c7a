import { describe, expect, it } from 'vitest';
import { languageFit } from './languages';
import type { Language } from './types';

const langs = (...spec: string[]): Language[] => spec.map((s) => ({ tag: s.split(':')[0]!, level: s.split(':')[1] as Language['level'] }));
const settings = { minSharedLevel: 'conversational' as const, translatablePairs: ['es|en', 'en|es', 'fr|ar'] };

describe('language fit', () => {
	it('finds a shared language by primary subtag and names the tags each side uses', () => {
		expect(languageFit(langs('pt-BR:native'), langs('en:fluent', 'pt-PT:fluent'), settings)).toEqual({
			via: 'shared',
			shared: 'pt',
			menteeLanguage: 'pt-BR',
			mentorLanguage: 'pt-PT',
			score: 0.85
		});
	});

	it('prefers the shared language both speak best', () => {
		const fit = languageFit(langs('en:conversational', 'es:native'), langs('en:native', 'es:fluent'), settings);
		expect(fit).toMatchObject({ shared: 'es', score: 0.85 });
	});

	it('ignores a shared language below the minimum level and falls back to translation both ways', () => {
		const fit = languageFit(langs('es:native', 'en:basic'), langs('en:native'), settings);
		expect(fit).toMatchObject({ via: 'translation', shared: null, menteeLanguage: 'es', mentorLanguage: 'en' });
		expect(fit!.score).toBeCloseTo(0.45);
		expect(languageFit(langs('es:native', 'en:basic'), langs('en:native'), { ...settings, minSharedLevel: 'basic' })).toMatchObject({ via: 'shared', score: 0.55 });
	});

	it('needs the translator in both directions', () => {
		expect(languageFit(langs('fr:native'), langs('ar:native'), settings)).toBeNull();
		expect(languageFit(langs('fr:native'), langs('ar:native'), { ...settings, translatablePairs: ['fr|ar', 'ar|fr'] })).toMatchObject({ via: 'translation' });
	});

	it('scores any shared language above any translation, and a higher level above a lower one', () => {
		const basic = languageFit(langs('en:basic'), langs('en:native'), { ...settings, minSharedLevel: 'basic' })!.score;
		const conversational = languageFit(langs('en:conversational'), langs('en:native'), settings)!.score;
		const native = languageFit(langs('en:native'), langs('en-GB:native'), settings)!.score;
		const translated = languageFit(langs('es:native'), langs('en:native'), settings)!.score;
		expect(translated).toBeLessThan(basic);
		expect(basic).toBeLessThan(conversational);
		expect(conversational).toBeLessThan(native);
		expect(native).toBe(1);
	});

	it('has no fit without languages', () => {
		expect(languageFit([], langs('en:native'), settings)).toBeNull();
	});
});
