import { describe, expect, it } from 'vitest';
import { createPassionIndex, normaliseTag, tagFamilies, tagSimilarity } from './passions';

describe('passion tags', () => {
	it('normalise case, accents, punctuation, spaces, British spelling and simple plurals alike', () => {
		expect(normaliseTag('  Mural   Paintings ')).toBe('mural painting');
		expect(normaliseTag('Pintura MURAL')).toBe('pintura mural');
		expect(normaliseTag('Hip-Hop')).toBe('hip hop');
		expect(normaliseTag('Céramique')).toBe('ceramique');
		expect(normaliseTag('Watercolours')).toBe('watercolor');
		expect(normaliseTag('Short Stories')).toBe('short story');
		expect(normaliseTag('sketches')).toBe('sketch');
		expect(normaliseTag('glass')).toBe('glass');
		expect(normaliseTag('circus')).toBe('circus');
		expect(normaliseTag('🎨')).toBe('');
	});

	it('belong to creative families, in several languages', () => {
		expect(tagFamilies(normaliseTag('mural painting'))).toEqual(['visual_arts']);
		expect(tagFamilies(normaliseTag('música'))).toEqual(['music']);
		expect(tagFamilies(normaliseTag('hip hop dance'))).toEqual(['music', 'dance']);
		expect(tagFamilies(normaliseTag('astrophysics'))).toEqual([]);
	});

	it('are similar beyond equality: equal, sharing a word, in one family, unrelated', () => {
		expect(tagSimilarity('Mural painting', 'mural paintings')).toBe(1);
		expect(tagSimilarity('oil painting', 'mural painting')).toBeCloseTo(0.5 + 0.4 / 3);
		expect(tagSimilarity('painting', 'oil painting')).toBeCloseTo(0.7);
		expect(tagSimilarity('watercolour', 'graffiti')).toBeCloseTo(0.35);
		expect(tagSimilarity('guitar', 'pottery')).toBe(0);
		expect(tagSimilarity('the guitar', 'art of the deal')).toBe(0);
	});

	it('score a pair from the mentee side: the mean of each mentee tag’s best match', () => {
		const index = createPassionIndex();
		const mentee = index.compile(['Mural painting', 'Guitar', 'chess']);
		const mentor = index.compile(['mural paintings', 'oil painting', 'piano', 'GUITAR']);
		const m = index.match(mentee, mentor);
		expect(m.shared).toEqual(['Mural painting', 'Guitar']);
		expect(m.related).toEqual([]);
		expect(m.score).toBeCloseTo(2 / 3);
		expect(index.score(mentee, mentor)).toBeCloseTo(m.score);

		const other = index.match(index.compile(['oil painting', 'knitting']), index.compile(['Mural painting', 'astronomy']));
		expect(other.shared).toEqual([]);
		expect(other.related).toEqual([['oil painting', 'Mural painting']]);
		expect(other.score).toBeCloseTo((0.5 + 0.4 / 3) / 2);
	});

	it('count a tag once however often it is written, and score 0 without tags', () => {
		const index = createPassionIndex();
		expect(index.compile(['Dance', 'dances', ' dance ']).ids).toHaveLength(1);
		expect(index.score(index.compile([]), index.compile(['dance']))).toBe(0);
	});

	it('keep scoring right past the memo’s size', () => {
		const index = createPassionIndex();
		const many = index.compile(Array.from({ length: 5000 }, (_, i) => `tag${i}`));
		const last = index.compile(['tag4999 painting']);
		expect(index.score(last, many)).toBeCloseTo(0.5 + 0.4 / 2);
	});
});
