import { describe, expect, it } from 'vitest';
import { apertiumCandidates, fromApertiumCode, fromIso639_3, resolveApertiumPair } from './iso639';

describe('ISO 639-3 ↔ BCP 47', () => {
	it('maps the codes Apertium names its pairs with', () => {
		expect(fromIso639_3('eng')).toBe('en');
		expect(fromIso639_3('spa')).toBe('es');
		expect(fromIso639_3('fra')).toBe('fr');
		expect(fromIso639_3('por')).toBe('pt');
		expect(fromIso639_3('cat')).toBe('ca');
		expect(fromIso639_3('deu')).toBe('de');
		expect(fromIso639_3('ara')).toBe('ar');
		expect(fromIso639_3('nob')).toBe('nb');
		expect(fromIso639_3('kmr')).toBe('ku');
	});

	it('keeps three-letter codes that have no shorter form', () => {
		expect(fromIso639_3('ast')).toBe('ast');
		expect(fromIso639_3('crh')).toBe('crh');
	});

	it('maps Apertium variants to BCP 47 where it can say them', () => {
		expect(fromApertiumCode('eng_US')).toBe('en-US');
		expect(fromApertiumCode('por_BR')).toBe('pt-BR');
		expect(fromApertiumCode('cat_valencia')).toBe('ca-valencia');
		expect(fromApertiumCode('oci_aran')).toBe('oc-aranes');
		expect(fromApertiumCode('hbs_HR')).toBe('hr');
		expect(fromApertiumCode('nno_e')).toBe('nn');
	});

	it('lists the Apertium codes for a tag, most specific first', () => {
		expect(apertiumCandidates('pt-BR')).toEqual(['por_BR', 'por']);
		expect(apertiumCandidates('es')).toEqual(['spa']);
		expect(apertiumCandidates('no')).toEqual(['nob', 'nor']);
		expect(apertiumCandidates('hr')).toEqual(['hbs_HR', 'hrv', 'hbs']);
		expect(apertiumCandidates('ca-valencia')).toEqual(['cat_valencia', 'cat']);
		expect(apertiumCandidates('')).toEqual([]);
	});
});

describe('resolveApertiumPair', () => {
	const pairs = [
		{ sourceLanguage: 'spa', targetLanguage: 'eng' },
		{ sourceLanguage: 'spa', targetLanguage: 'eng_US' },
		{ sourceLanguage: 'eng', targetLanguage: 'spa' },
		{ sourceLanguage: 'fra', targetLanguage: 'cat_valencia' }
	];

	it('picks the plain pair for plain tags and a regional one when asked for', () => {
		expect(resolveApertiumPair('en', 'es', pairs)).toEqual({ sourceLanguage: 'eng', targetLanguage: 'spa' });
		expect(resolveApertiumPair('es', 'en', pairs)).toEqual({ sourceLanguage: 'spa', targetLanguage: 'eng' });
		expect(resolveApertiumPair('es-MX', 'en-US', pairs)).toEqual({ sourceLanguage: 'spa', targetLanguage: 'eng_US' });
		expect(resolveApertiumPair('es', 'en-GB', pairs)).toEqual({ sourceLanguage: 'spa', targetLanguage: 'eng' });
	});

	it('lets a variant serve its plain language when nothing plainer is installed', () => {
		expect(resolveApertiumPair('fr', 'ca', pairs)).toEqual({ sourceLanguage: 'fra', targetLanguage: 'cat_valencia' });
	});

	it('is null for a pair that is not installed', () => {
		expect(resolveApertiumPair('en', 'fr', pairs)).toBeNull();
		expect(resolveApertiumPair('auto', 'es', pairs)).toBeNull();
	});
});
