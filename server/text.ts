import { z } from 'zod';

// C0/C1 controls (tab and newline only where multi-line text is allowed) and invisible format characters
// (bidi overrides, zero-width spaces) that let a name pretend to be someone else's. ZWJ and ZWNJ stay:
// scripts such as Persian and emoji sequences need them. Longer text may also keep the direction marks
// (LRM, RLM, ALM) and soft hyphens that people mixing Arabic and Latin script really type.
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const FORMAT_SINGLE_LINE = /(?![\u200c\u200d])\p{Cf}/u;
const FORMAT_MULTILINE = /(?![\u200c\u200d\u200e\u200f\u061c\u00ad])\p{Cf}/u;

/** True when `s` holds no control or invisible formatting characters. */
export function isCleanText(s: string, { multiline = false }: { multiline?: boolean } = {}): boolean {
	if (multiline) return !CONTROL_MULTILINE.test(s) && !FORMAT_MULTILINE.test(s);
	return !CONTROL_SINGLE_LINE.test(s) && !FORMAT_SINGLE_LINE.test(s);
}

/** Trimmed, NFC-normalised text of at most `max` characters with no control or invisible characters. */
export const cleanText = ({ max, code, min = 0, multiline = false }: { max: number; code: string; min?: number; multiline?: boolean }) =>
	z
		.string({ error: 'required' })
		.transform((s) => s.replace(/\r\n?/g, '\n').normalize('NFC').trim())
		.pipe(
			z
				.string()
				.min(min, { error: code })
				.max(max, { error: code })
				.refine((s) => isCleanText(s, { multiline }), { error: 'invalid_characters' })
		);
