import bidiFactory from 'bidi-js';
import type { FontFace, FontLibrary } from './fonts';

/**
 * Line layout for the PDF: a paragraph in any scripts and directions becomes lines of pieces, each piece one font
 * and one direction, in the order they are drawn left to right. The Unicode bidi algorithm (bidi-js) gives each
 * character its level; fontkit shapes each piece (Arabic letters join) and itself puts a right-to-left script's
 * glyphs in visual order, so a piece is reversed here only where fontkit's idea of its direction differs from the
 * level's (Arabic-Indic digits, neutrals between right-to-left words).
 */

const bidi = bidiFactory();

export interface Piece {
	/** The characters as handed to the PDF's text drawing (logical order, or reversed as described above). */
	text: string;
	/** Already the bold face when the paragraph is bold. */
	face: FontFace;
	/** Width in points at the layout's size. */
	width: number;
}

export interface Line {
	pieces: Piece[];
	width: number;
	/** The paragraph reads right to left: the line is set against the right margin. */
	rtl: boolean;
}

export interface LayoutOptions {
	text: string;
	size: number;
	maxWidth: number;
	fonts: FontLibrary;
	bold?: boolean;
}

interface Run {
	start: number;
	end: number;
	face: FontFace;
	level: number;
}

const MARK = /\p{M}/u;

type Shaper = (face: FontFace, text: string) => { width: number; rtl: boolean };

/** Shaping is the slow part (a few hundred words a millisecond), and words repeat: remembered for one paragraph. */
function shaper(size: number): Shaper {
	const seen = new Map<FontFace, Map<string, { width: number; rtl: boolean }>>();
	return (face, text) => {
		let byText = seen.get(face);
		if (!byText) seen.set(face, (byText = new Map()));
		let shaped = byText.get(text);
		if (!shaped) {
			const run = face.font.layout(text, []);
			shaped = { width: (run.advanceWidth * size) / face.font.unitsPerEm, rtl: run.direction === 'rtl' };
			byText.set(text, shaped);
		}
		return shaped;
	};
}

/** Characters with their combining marks, reversed as units; brackets mirrored when the result reads rtl. */
function reversed(text: string, mirror: boolean): string {
	const clusters: string[] = [];
	for (const ch of text) {
		if (clusters.length > 0 && MARK.test(ch)) clusters[clusters.length - 1] += ch;
		else clusters.push(mirror ? (bidi.getMirroredCharacter(ch) ?? ch) : ch);
	}
	return clusters.reverse().join('');
}

/** Lays out one paragraph ("\n" starts a new line) into lines no wider than `maxWidth`. */
export function layoutParagraph({ text, size, maxWidth, fonts, bold = false }: LayoutOptions): Line[] {
	const lines: Line[] = [];
	const shape = shaper(size);
	for (const hard of text.replace(/\r\n?/g, '\n').split('\n')) lines.push(...layoutHardLine(hard, shape, maxWidth, fonts, bold));
	return lines;
}

function layoutHardLine(text: string, shape: Shaper, maxWidth: number, fonts: FontLibrary, bold: boolean): Line[] {
	const { levels, paragraphs } = bidi.getEmbeddingLevels(text);
	const rtl = (paragraphs[0]?.level ?? 0) % 2 === 1;
	if (text.trim() === '') return [{ pieces: [], width: 0, rtl }];

	// One face per UTF-16 index: a character stays in the face of the one before when that face has it, so spaces
	// and punctuation between Arabic words do not split them into pieces.
	const faces: FontFace[] = new Array(text.length);
	let previous: FontFace | null = null;
	for (let i = 0; i < text.length; ) {
		const cp = text.codePointAt(i)!;
		const width = cp > 0xffff ? 2 : 1;
		const face: FontFace = previous && (previous.font.hasGlyphForCodePoint(cp) || MARK.test(String.fromCodePoint(cp))) ? previous : fonts.faceFor(cp);
		for (let k = 0; k < width; k++) faces[i + k] = bold ? fonts.boldOf(face) : face;
		previous = face;
		i += width;
	}

	const runsOf = (start: number, end: number): Run[] => {
		const runs: Run[] = [];
		for (let i = start; i < end; i++) {
			const last = runs.at(-1);
			if (last && last.face === faces[i] && last.level === levels[i]) last.end = i + 1;
			else runs.push({ start: i, end: i + 1, face: faces[i]!, level: levels[i]! });
		}
		return runs;
	};
	const measure = (start: number, end: number): number => runsOf(start, end).reduce((w, r) => w + shape(r.face, text.slice(r.start, r.end)).width, 0);

	// Greedy breaking after spaces; a word wider than the line is cut between characters.
	const ranges: [number, number][] = [];
	let lineStart = 0;
	let lineWidth = 0;
	const words = text.match(/[^ \t]*[ \t]*/g)!.filter(Boolean);
	let at = 0;
	for (const word of words) {
		const start = at;
		at += word.length;
		const inked = start + word.trimEnd().length;
		const width = measure(start, inked) + measure(inked, at);
		// Trailing spaces may hang past the margin.
		if (lineWidth + width - measure(inked, at) <= maxWidth) {
			lineWidth += width;
			continue;
		}
		if (start > lineStart) ranges.push([lineStart, start]);
		lineStart = start;
		lineWidth = width;
		if (width <= maxWidth) continue;
		// Cut the long word by characters.
		let cut = start;
		lineWidth = 0;
		for (let i = start; i < at; ) {
			const next = i + (text.codePointAt(i)! > 0xffff ? 2 : 1);
			const w = measure(i, next);
			if (lineWidth + w > maxWidth && i > cut) {
				ranges.push([cut, i]);
				cut = i;
				lineWidth = 0;
			}
			lineWidth += w;
			i = next;
		}
		lineStart = cut;
	}
	if (lineStart < text.length) ranges.push([lineStart, text.length]);

	return ranges.map(([start, end]) => {
		while (end > start && /[ \t]/.test(text[end - 1]!)) end--;
		const runs = visualOrder(runsOf(start, end));
		const pieces = runs.map((run) => {
			const slice = text.slice(run.start, run.end);
			const shaped = shape(run.face, slice);
			const wantRtl = run.level % 2 === 1;
			return {
				text: shaped.rtl === wantRtl ? slice : reversed(slice, wantRtl),
				face: run.face,
				width: shaped.width
			};
		});
		return { pieces, width: pieces.reduce((w, p) => w + p.width, 0), rtl };
	});
}

/** Unicode bidi rule L2 on whole runs: from the highest level down to the lowest odd one, reverse each stretch at or above it. */
function visualOrder(runs: Run[]): Run[] {
	if (runs.length < 2) return runs;
	const out = [...runs];
	const max = Math.max(...out.map((r) => r.level));
	const minOdd = Math.min(...out.map((r) => (r.level % 2 === 1 ? r.level : r.level + 1)));
	for (let level = max; level >= minOdd; level--) {
		for (let i = 0; i < out.length; ) {
			if (out[i]!.level < level) {
				i++;
				continue;
			}
			let j = i;
			while (j < out.length && out[j]!.level >= level) j++;
			out.splice(i, j - i, ...out.slice(i, j).reverse());
			i = j;
		}
	}
	return out;
}
