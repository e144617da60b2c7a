import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * Fonts for downloads (PNG and PDF), found on disk at run time. Deploy: Debian's `fonts-noto-core` (installed by
 * .ci/run) covers Latin with accents, Arabic, Hebrew, Cyrillic, Greek, Devanagari and most other scripts; Chinese,
 * Japanese and Korean need `fonts-noto-cjk` as well (its .ttc collections are used by the PNG renderer only: the
 * PDF then shows empty boxes for those characters). Another folder of .ttf/.otf files can be passed as `dirs`.
 */
export const DEFAULT_FONT_DIRS = ['/usr/share/fonts/truetype/noto', '/usr/share/fonts/opentype/noto'];

/** Tried first, in this order; then every other font found, Noto Sans before Noto Serif before the rest. */
const PREFERRED = ['NotoSans-Regular', 'NotoSansArabic-Regular', 'NotoSansHebrew-Regular', 'NotoSansSymbols-Regular', 'NotoSansSymbols2-Regular', 'NotoSansMath-Regular'];

export interface FontFace {
	/** The file, also the name it is registered under in a PDF document. */
	file: string;
	/** Its bold sibling's file (`-Bold` for `-Regular`), or its own when there is none. */
	boldFile: string;
	font: fontkit.Font;
}

export interface FontLibrary {
	/** The folders that exist, for renderers that scan folders themselves (resvg). */
	readonly dirs: string[];
	/** The first font that has a glyph for `codePoint`, or the main font (which draws a box) when none has. */
	faceFor(codePoint: number): FontFace;
	/** The bold sibling of `face` (itself when it has none). */
	boldOf(face: FontFace): FontFace;
	/** The bytes of a font file, read once. */
	bytes(file: string): Buffer;
}

export class MissingFontsError extends Error {
	constructor(dirs: readonly string[]) {
		super(`No .ttf or .otf fonts in ${dirs.join(', ')}: install Debian's fonts-noto-core, or pass the folder of the fonts to use`);
		this.name = 'MissingFontsError';
	}
}

function fontFiles(dir: string, out: string[]): void {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) fontFiles(path, out);
		else if (/\.(ttf|otf)$/i.test(entry.name)) out.push(path);
	}
}

function rank(file: string): number {
	const name = basename(file).replace(/\.(ttf|otf)$/i, '');
	const preferred = PREFERRED.indexOf(name);
	if (preferred >= 0) return preferred;
	const regular = /-Regular$/.test(name) ? 0 : 10;
	if (name.startsWith('NotoSans')) return 100 + regular;
	if (name.startsWith('NotoSerif')) return 200 + regular;
	return 300 + regular;
}

/**
 * A font library over `dirs` (the Noto folders by default). Fonts are read only when a character needs one, and
 * stay with the library: keep one per service rather than one per download. Throws MissingFontsError when the
 * folders hold no fonts at all.
 */
export function createFontLibrary({ dirs = DEFAULT_FONT_DIRS }: { dirs?: readonly string[] } = {}): FontLibrary {
	const present = dirs.filter((dir) => existsSync(dir));
	const all: string[] = [];
	for (const dir of present) fontFiles(dir, all);
	const files = [...new Set(all)].filter((f) => !/-(Bold|Italic|BoldItalic|Light|Thin|Medium|SemiBold|ExtraBold|Black|ExtraLight|Condensed)[^/]*$/i.test(basename(f)));
	if (files.length === 0) throw new MissingFontsError(dirs);
	files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
	const known = new Set(all);
	const cache = new Map<string, Buffer>();
	const faces: FontFace[] = [];
	const byCodePoint = new Map<number, FontFace>();
	let next = 0;

	const bytes = (file: string): Buffer => {
		let data = cache.get(file);
		if (!data) {
			data = readFileSync(file);
			cache.set(file, data);
		}
		return data;
	};

	const load = (file: string): FontFace | null => {
		try {
			const font = fontkit.create(bytes(file));
			if (!('hasGlyphForCodePoint' in font)) return null;
			const bold = file.replace(/-Regular(\.\w+)$/, '-Bold$1');
			return { file, boldFile: bold !== file && known.has(bold) ? bold : file, font };
		} catch {
			// A damaged or unusual file is skipped; the next font may have the glyph.
			return null;
		}
	};

	const faceFor = (codePoint: number): FontFace => {
		const cached = byCodePoint.get(codePoint);
		if (cached) return cached;
		let face = faces.find((f) => f.font.hasGlyphForCodePoint(codePoint));
		while (!face && next < files.length) {
			const loaded = load(files[next++]!);
			if (!loaded) continue;
			faces.push(loaded);
			if (loaded.font.hasGlyphForCodePoint(codePoint)) face = loaded;
		}
		face ??= faces[0] ?? load(files[0]!) ?? undefined;
		if (!face) throw new MissingFontsError(dirs);
		byCodePoint.set(codePoint, face);
		return face;
	};

	const bolds = new Map<FontFace, FontFace>();
	const boldOf = (face: FontFace): FontFace => {
		let bold = bolds.get(face);
		if (!bold) {
			bold = (face.boldFile !== face.file && load(face.boldFile)) || face;
			bolds.set(face, bold);
		}
		return bold;
	};

	return { dirs: present, faceFor, boldOf, bytes };
}
