import { describe, expect, it } from 'vitest';
import { PERSON_COLORS, contrast, personColor } from './colors';

describe('person colours', () => {
	it('every colour carries white name labels at AA contrast and stands out on the light page', () => {
		for (const color of PERSON_COLORS) {
			expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(4.5);
			expect(contrast(color, '#fbf7f0'), color).toBeGreaterThanOrEqual(4.5);
		}
	});

	it('the same person always gets the same colour, and people spread over the palette', () => {
		expect(personColor('8b0c7a52-4f6e-4d8b-a1f0-1c2d3e4f5a6b')).toBe(personColor('8b0c7a52-4f6e-4d8b-a1f0-1c2d3e4f5a6b'));
		const used = new Set(Array.from({ length: 200 }, (_, i) => personColor(`user-${i}`)));
		expect(used.size).toBe(PERSON_COLORS.length);
	});

	it('contrast is the WCAG ratio', () => {
		expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
		expect(contrast('#777777', '#777777')).toBe(1);
	});
});
