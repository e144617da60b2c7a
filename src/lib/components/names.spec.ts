import { describe, expect, it } from 'vitest';
import { aroundName, initial, isolate } from './names';

describe('initial', () => {
	it.each([
		['amal', 'A'],
		['Lucía', 'L'],
		['élodie', 'É'],
		// Decomposed: e + combining acute accent stays one character.
		['e\u0301lodie', 'E\u0301'],
		['نادية', 'ن'],
		['雪', '雪'],
		// Surrogate pairs, flags and joined emoji are never cut in half.
		['😀 smile', '😀'],
		['🇲🇦 Morocco', '🇲🇦'],
		['👩‍🎨 artist', '👩‍🎨'],
		['𝒜lice', '𝒜'],
		['  padded', 'P'],
		['ßeta', 'ß'],
		['', '']
	])('%j → %j', (name, expected) => {
		expect(initial(name)).toBe(expected);
	});

	it('never leaves a lone surrogate', () => {
		// encodeURIComponent throws on a lone surrogate.
		for (const name of ['😀', '🇲🇦x', '𝒜', '👩‍🎨']) expect(() => encodeURIComponent(initial(name))).not.toThrow();
	});
});

describe('isolate', () => {
	it('wraps text in a first-strong isolate', () => {
		expect(isolate('نادية')).toBe('\u2068نادية\u2069');
	});
});

describe('aroundName', () => {
	it('splits a sentence where the name goes', () => {
		expect(aroundName((name) => `Changes for ${name} saved.`)).toEqual(['Changes for ', ' saved.']);
		expect(aroundName((name) => `${name}، أهلًا بعودتك`)).toEqual(['', '، أهلًا بعودتك']);
	});
	it('copes with a sentence that leaves the name out', () => {
		expect(aroundName(() => 'Saved.')).toEqual(['Saved.']);
	});
});
