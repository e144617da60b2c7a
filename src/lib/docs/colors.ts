/**
 * Colours for people's carets, cursors and name labels. Each is dark enough that white text on it passes
 * WCAG AA (4.5:1) and that it reads as a line on the light page; `colors.spec.ts` checks the ratios.
 */
export const PERSON_COLORS = ['#1f5f5b', '#a3291e', '#6d3aa8', '#1d4f91', '#8a4b08', '#2e6b1f', '#9d1c5a', '#0f6674', '#7a3b00', '#4a5654'] as const;

/** A stable colour for a person: the same id gets the same colour on every page and for everyone. */
export function personColor(id: string): string {
	let hash = 0;
	for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0;
	return PERSON_COLORS[Math.abs(hash) % PERSON_COLORS.length]!;
}

function channel(c: number): number {
	const s = c / 255;
	return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
	const n = Number.parseInt(hex.slice(1), 16);
	return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG contrast ratio between two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
	const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
	return (hi + 0.05) / (lo + 0.05);
}
