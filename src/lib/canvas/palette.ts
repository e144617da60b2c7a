/**
 * The canvas palette. The drawing surface is always white paper (also in the dark theme, and in the exported
 * image), so every colour is checked against one background: each ink reaches WCAG AA for text (4.5:1) on the
 * paper and on its own tint, which fills sticky notes and filled shapes (palette.spec.ts proves it).
 */

/** The drawing surface, in the app and in exports. */
export const CANVAS_BACKGROUND = '#ffffff';

export const PALETTE_IDS = ['charcoal', 'teal', 'blue', 'purple', 'magenta', 'red', 'brown', 'green'] as const;
export type PaletteId = (typeof PALETTE_IDS)[number];

export interface PaletteColour {
	id: PaletteId;
	/** Lines, strokes and text. */
	ink: string;
	/** A light tint of the same hue: sticky notes and filled shapes. */
	tint: string;
}

export const PALETTE: readonly PaletteColour[] = [
	{ id: 'charcoal', ink: '#1d2a28', tint: '#eceeed' },
	{ id: 'teal', ink: '#1f5f5b', tint: '#dff0eb' },
	{ id: 'blue', ink: '#1d4ed8', tint: '#e0e9fd' },
	{ id: 'purple', ink: '#6d28d9', tint: '#eee8fd' },
	{ id: 'magenta', ink: '#a3195b', tint: '#fbe6f0' },
	{ id: 'red', ink: '#b42318', tint: '#fde8e4' },
	{ id: 'brown', ink: '#8a4a0b', tint: '#fcefd6' },
	{ id: 'green', ink: '#1d6a3c', tint: '#e2f2e7' }
];

export const DEFAULT_COLOUR: PaletteColour = PALETTE[0]!;

const HEX = /^#[0-9a-f]{6}$/i;

/** Whether `value` is a `#rrggbb` colour (the only form shapes store). */
export function isHexColour(value: unknown): value is string {
	return typeof value === 'string' && HEX.test(value);
}

/** The palette entry whose ink or tint is `hex`, if any (shapes written by other tools may use any colour). */
export function paletteEntryOf(hex: string): PaletteColour | undefined {
	const lower = hex.toLowerCase();
	return PALETTE.find((c) => c.ink === lower || c.tint === lower);
}

/** WCAG 2 relative luminance of a `#rrggbb` colour. */
export function relativeLuminance(hex: string): number {
	if (!isHexColour(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
	const channel = (i: number) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio between two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
	const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}

/** Black-ish or white text, whichever reads better on `background` (for name tags in a person's colour). */
export function textColourOn(background: string): '#1d2a28' | '#ffffff' {
	if (!isHexColour(background)) return '#ffffff';
	return contrastRatio('#1d2a28', background) >= contrastRatio('#ffffff', background) ? '#1d2a28' : '#ffffff';
}
