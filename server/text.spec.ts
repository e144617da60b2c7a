import { describe, expect, it } from 'vitest';
import { cleanText, isCleanText } from './text';

describe('clean text', () => {
	it('accepts ordinary text in any script, emoji sequences and Persian ZWNJ', () => {
		for (const s of ['Ana María', 'نادية', '山田 花子', 'می‌خواهم', '👩🏽‍🎨 Mural club', 'Zoë-Ève']) expect(isCleanText(s), s).toBe(true);
	});
	it('refuses NUL, other controls and a newline in a single-line field', () => {
		for (const s of ['a\u0000b', 'a\u0007b', 'two\nlines', 'a\u0085b']) expect(isCleanText(s), JSON.stringify(s)).toBe(false);
	});
	it('refuses bidi overrides, isolates and zero-width spaces that disguise a name', () => {
		for (const s of ['Kid\u202Eevil', 'Ana\u2066x\u2069', 'Ad\u200Bmin', '\uFEFFAna', 'Ana\u200F']) expect(isCleanText(s), JSON.stringify(s)).toBe(false);
	});
	it('multi-line text keeps newlines, tabs and direction marks, but not NUL or overrides', () => {
		expect(isCleanText('line one\n\tline two \u200F(عربي)', { multiline: true })).toBe(true);
		expect(isCleanText('a\u0000b', { multiline: true })).toBe(false);
		expect(isCleanText('a\u202Eb', { multiline: true })).toBe(false);
	});
	it('normalises CRLF from form posts, trims, and reports the right code', () => {
		const bio = cleanText({ max: 20, code: 'bio_too_long', multiline: true });
		expect(bio.parse('  one\r\ntwo\r  ')).toBe('one\ntwo');
		expect(bio.safeParse('x'.repeat(21)).error?.issues[0]?.message).toBe('bio_too_long');
		expect(bio.safeParse('a\u0000b').error?.issues[0]?.message).toBe('invalid_characters');
	});
});
