import { describe, expect, it } from 'vitest';
import { fold, foldLetters, skeleton, tokens, visibleText, words } from './normalize';

describe('normalize', () => {
	it('removes zero-width and other invisible format characters', () => {
		expect(visibleText('f\u200Bu\u200Cc\u200Dk\u2060\uFEFF\u00AD')).toBe('fuck');
		expect(visibleText('a\u200Eb\u200Fc\u2062d\u2064e')).toBe('abcde');
	});

	it('applies NFKC: full-width and stylised letters become plain ones', () => {
		expect(fold('ｈｅｌｌｏ')).toBe(fold('hello'));
		expect(fold('𝐡𝐞𝐥𝐥𝐨')).toBe(fold('hello'));
	});

	it('folds case and accents, and drops combining marks and variation selectors', () => {
		expect(fold('CABRÓN')).toBe('cabron');
		expect(fold('Enculé')).toBe('encuie');
		expect(fold('c\u0301a\u0308b\uFE0F')).toBe('cab');
	});

	it('turns Cyrillic and Greek look-alikes into Latin letters', () => {
		// а, е, о, р, с, х, у, і (Cyrillic) and ο, α (Greek)
		expect(foldLetters('\u0430\u0435\u043E\u0440\u0441\u0445\u0443\u0456')).toBe('aeopcxyi');
		expect(foldLetters('\u03BF\u03B1')).toBe('oa');
		expect(fold('\u0441\u0443\u043D\u0442')).toBe(fold('cyht'));
	});

	it('reads leetspeak, folding l and 1 together on both sides', () => {
		expect(fold('5h1t')).toBe(fold('shit'));
		expect(fold('@$$')).toBe('ass');
		expect(fold('h3ll0')).toBe(fold('hello'));
		expect(fold('7rash 4 u')).toBe('trash a u');
	});

	it('leaves numbers alone: only digits in a run with a letter, or a lone digit, stand for letters', () => {
		expect(fold('room 455, page 1337')).toBe('room 455, page 1337');
		expect(fold('a55 455')).toBe('ass 455');
	});

	it('keeps a word with an apostrophe whole', () => {
		expect(words("don't tell")).toEqual(['dont', 'teii']);
		expect(words('qu’il d’abord')).toEqual(['qu', 'ii', 'd', 'abord']);
	});

	it('joins letters spelled out one by one, whatever stands between them', () => {
		for (const t of ['b a d', 'b.a.d', 'b-a-d', 'b_a_d', 'b · a · d']) expect(tokens(t)).toEqual([{ word: 'bad', joined: true }]);
		expect(words('send me a photo')).toEqual(['send', 'me', 'a', 'photo']);
		expect(skeleton('s e n d m e a p h o t o')).toBe(skeleton('send me a photo'));
	});

	it('keeps "r u" apart: chat-speak for "are you", not a word spelled out', () => {
		expect(words('r u alone')).toEqual(['r', 'u', 'aione']);
		expect(words('u r')).toEqual(['u', 'r']);
		expect(words('f u c k')).toEqual(['fuck']);
	});

	it('keeps ordinary words apart', () => {
		expect(words('Scunthorpe class assassin')).toEqual(['scunthorpe', 'ciass', 'assassin']);
	});
});
