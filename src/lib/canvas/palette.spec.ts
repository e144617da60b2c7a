import { describe, expect, it } from 'vitest';
import { CANVAS_BACKGROUND, contrastRatio, DEFAULT_COLOUR, isHexColour, PALETTE, PALETTE_IDS, paletteEntryOf, relativeLuminance, textColourOn } from './palette';

describe('contrast maths (WCAG 2)', () => {
	it('gives the reference ratios', () => {
		expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
		// Known pair: #767676 on white is the classic 4.54:1.
		expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
		expect(contrastRatio('#ffffff', '#767676')).toBe(contrastRatio('#767676', '#ffffff'));
	});

	it('refuses anything but #rrggbb', () => {
		expect(() => relativeLuminance('red')).toThrow();
		expect(isHexColour('#1D2A28')).toBe(true);
		expect(isHexColour('#fff')).toBe(false);
		expect(isHexColour('url(#x)')).toBe(false);
	});
});

describe('the canvas palette', () => {
	it('has one entry per id, all distinct', () => {
		expect(PALETTE.map((c) => c.id)).toEqual([...PALETTE_IDS]);
		expect(new Set(PALETTE.flatMap((c) => [c.ink, c.tint])).size).toBe(PALETTE.length * 2);
		expect(DEFAULT_COLOUR.id).toBe('charcoal');
	});

	it.each(PALETTE.map((c) => [c.id, c] as const))('%s ink reads as text (AA, 4.5:1) on the paper and on its own tint', (_id, colour) => {
		expect(contrastRatio(colour.ink, CANVAS_BACKGROUND)).toBeGreaterThanOrEqual(4.5);
		// Sticky notes and filled shapes: tint background, ink text and outline.
		expect(contrastRatio(colour.ink, colour.tint)).toBeGreaterThanOrEqual(4.5);
	});

	it.each(PALETTE.map((c) => [c.id, c] as const))('%s ink reads on every other tint too (a note recoloured by someone else)', (_id, colour) => {
		for (const other of PALETTE) expect(contrastRatio(colour.ink, other.tint), `${colour.id} on ${other.id}`).toBeGreaterThanOrEqual(4.5);
	});

	it('finds the entry of a stored colour in any case', () => {
		expect(paletteEntryOf('#1F5F5B')?.id).toBe('teal');
		expect(paletteEntryOf('#dff0eb')?.id).toBe('teal');
		expect(paletteEntryOf('#123456')).toBeUndefined();
	});
});

describe('textColourOn', () => {
	it('picks whichever of ink or white reads better, and it always reaches AA on palette inks', () => {
		expect(textColourOn('#ffffff')).toBe('#1d2a28');
		expect(textColourOn('#000000')).toBe('#ffffff');
		expect(textColourOn('#f4c56a')).toBe('#1d2a28');
		for (const c of PALETTE) expect(contrastRatio(textColourOn(c.ink), c.ink)).toBeGreaterThanOrEqual(4.5);
	});

	it('falls back to white for a malformed colour', () => {
		expect(textColourOn('nope')).toBe('#ffffff');
	});
});
