import { describe, expect, it } from 'vitest';
import { explain, explanationText, uiLocaleOf } from './explain';
import type { ExplanationPart } from './types';

const parts: ExplanationPart[] = [
	{ kind: 'passions', shared: ['mural painting'], related: [] },
	{ kind: 'overlap', hoursPerWeek: 4 },
	{ kind: 'language', shared: null, via: 'translation', menteeLanguage: 'es', mentorLanguage: 'en' },
	{ kind: 'border', crossBorder: true, menteeCountry: 'MX', mentorCountry: 'GB' }
];

describe('explanations', () => {
	it('read as one line in the reader’s language', () => {
		expect(explanationText(parts, 'en')).toBe('Both love mural painting · 4 h/week overlap · Spanish ↔ English with translation · Different countries');
		expect(explanationText(parts, 'es')).toBe('A ambos les encanta mural painting · 4 h/semana en común · español ↔ inglés con traducción · Países distintos');
		expect(explanationText(parts, 'fr')).toBe('Passions communes : mural painting · 4 h/semaine en commun · espagnol ↔ anglais avec traduction · Pays différents');
		expect(explain(parts, 'ar')).toEqual(['كلاهما يحب mural painting', expect.stringContaining('س/أسبوع'), 'الإسبانية ↔ الإنجليزية مع الترجمة', 'من بلدين مختلفين']);
	});

	it('format hours, lists and language names in the reader’s locale', () => {
		const more: ExplanationPart[] = [
			{ kind: 'passions', shared: ['guitar', 'poetry', 'dance', 'chess'], related: [['oil painting', 'mural painting']] },
			{ kind: 'overlap', hoursPerWeek: 1.25 },
			{ kind: 'language', shared: 'pt', via: 'shared', menteeLanguage: 'pt-BR', mentorLanguage: 'pt-PT' },
			{ kind: 'goals', shared: ['portfolio', 'language_practice'] },
			{ kind: 'gender_preference', met: true }
		];
		expect(explain(more, 'en')).toEqual([
			'Both love guitar, poetry, and dance',
			'Related passions: oil painting ~ mural painting',
			'1.25 h/week overlap',
			'Both speak Portuguese',
			'Shared goals: Building a portfolio and Language practice',
			'Mentor gender as asked'
		]);
		expect(explain(more, 'fr')[2]).toBe('1,25 h/semaine en commun');
		expect(explain(more, 'es')[0]).toBe('A ambos les encanta guitar, poetry y dance');
	});

	it('fall back to the base language, then to English', () => {
		expect(uiLocaleOf('es-MX')).toBe('es');
		expect(uiLocaleOf('AR')).toBe('ar');
		expect(uiLocaleOf('de')).toBe('en');
		expect(explain([{ kind: 'border', crossBorder: false, menteeCountry: 'KE', mentorCountry: 'KE' }], 'fr-CA')).toEqual(['Même pays']);
	});

	it('show an unknown language tag as it is', () => {
		expect(explain([{ kind: 'language', shared: 'qq', via: 'shared', menteeLanguage: 'qq', mentorLanguage: 'qq' }], 'en')[0]).toMatch(/^Both speak (qq|Qq)$/);
	});
});
