import { inflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CANVAS_SHAPES } from '../../src/lib/protocol/docs';
import { toPdf, toPng } from './download';
import { createFontLibrary, MissingFontsError } from './fonts';
import { encodePng, prepareForResvg, webpToPng } from './png';
import { canvasSvg } from './render';
import { layoutParagraph } from './text-layout';

// Needs Debian's fonts-noto-core (installed by .ci/run), as a deploy does.
const fonts = createFontLibrary();

/** A 1×1 grey (130, 130, 130) lossy WebP, as browsers store canvas images. */
const WEBP_GREY = 'data:image/webp;base64,UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA';

function pngSize(png: Uint8Array): { w: number; h: number } {
	const view = Buffer.from(png);
	return { w: view.readUInt32BE(16), h: view.readUInt32BE(20) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Raw RGBA pixels of an SVG, drawn by resvg at its own size. */
function pixels(svg: string): { width: number; data: Uint8Array } {
	const image = new Resvg(svg, { font: { loadSystemFonts: false, fontDirs: fonts.dirs, defaultFontFamily: 'Noto Sans' } }).render();
	return { width: image.width, data: image.pixels };
}

function canvasState(shapes: Record<string, Record<string, unknown>>): Uint8Array {
	const doc = new Y.Doc();
	const map = doc.getMap<Y.Map<unknown>>(CANVAS_SHAPES);
	for (const [id, fields] of Object.entries(shapes)) {
		const entry = new Y.Map<unknown>();
		map.set(id, entry);
		for (const [k, v] of Object.entries(fields)) entry.set(k, v);
	}
	return Y.encodeStateAsUpdate(doc);
}

const author = { authorId: 'u1', authorName: 'Amal', createdAt: 0, stroke: '#111111' };

describe('toPng', () => {
	const svg = canvasSvg(canvasState({ r: { ...author, type: 'rect', x: 0, y: 0, w: 252, h: 52, z: 'a0', fill: '#ff0000' } }), { title: 'Red', description: '' });

	it('is a PNG at twice the drawing size, or smaller to keep within maxSide', async () => {
		// The export area is the shape, half its stroke and one unit, and a 24-unit margin on each side: 305 × 105.
		const png = await toPng(svg, { fonts });
		expect(Array.from(png.slice(0, 8))).toEqual(PNG_SIGNATURE);
		expect(pngSize(png)).toEqual({ w: 610, h: 210 });
		expect(pngSize(await toPng(svg, { maxSide: 122, fonts }))).toEqual({ w: 122, h: 42 });
	});

	it('draws WebP images, which resvg cannot decode by itself', () => {
		const image = (href: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#ffffff"/><image href="${href}" x="0" y="0" width="4" height="4"/></svg>`;
		expect(Array.from(pixels(image(WEBP_GREY)).data.slice(0, 3))).toEqual([255, 255, 255]);
		expect(Array.from(pixels(prepareForResvg(image(WEBP_GREY))).data.slice(0, 3))).toEqual([130, 130, 130]);
		expect(webpToPng('data:image/webp;base64,AAAA')).toBeNull();
		// An undecodable image is left out rather than failing the download.
		expect(prepareForResvg(image('data:image/webp;base64,AAAA'))).not.toContain('href');
	});

	it('keeps only data: images: no file or network reads on the server', () => {
		const svg = `<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/><image xlink:href="/etc/hostname"/><image href="https://x.example/a.png"/></svg>`;
		expect(prepareForResvg(svg)).not.toMatch(/href/);
	});

	it('encodes RGBA pixels as a PNG that decodes to the same colours', () => {
		const png = Buffer.from(encodePng(2, 1, new Uint8Array([10, 20, 30, 255, 200, 100, 50, 255]))).toString('base64');
		const drawn = pixels(`<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><image href="data:image/png;base64,${png}" width="2" height="1" image-rendering="optimizeSpeed"/></svg>`);
		expect(Array.from(drawn.data)).toEqual([10, 20, 30, 255, 200, 100, 50, 255]);
	});

	it('sets a right-to-left sticky note inside its box, as the browser does', async () => {
		const state = canvasState({ s: { ...author, type: 'sticky', x: 0, y: 0, w: 300, h: 80, fill: '#ffffff', text: 'مرحبا بالعالم', z: 'a0' } });
		const svg = canvasSvg(state, { title: '', description: '' });
		const { width, data } = pixels(prepareForResvg(svg));
		let dark = 0;
		let minX = Infinity;
		let maxX = -Infinity;
		const height = data.length / 4 / width;
		for (let i = 0; i < data.length; i += 4) {
			if (data[i]! > 100) continue;
			const x = (i / 4) % width;
			const y = Math.floor(i / 4 / width);
			// The frame of the note is drawn in the same ink: only count what lies inside it.
			if (x < 30 || x > width - 30 || y < 30 || y > height - 30) continue;
			dark++;
			minX = Math.min(minX, x);
			maxX = Math.max(maxX, x);
		}
		expect(dark).toBeGreaterThan(200);
		// Set against the right padding (14 units inside the note, which starts 24 + 0.5 units in).
		expect(maxX).toBeGreaterThan(width - 24 - 14 - 10);
		expect(minX).toBeGreaterThan(width / 3);
		expect((await toPng(svg, { fonts })).length).toBeGreaterThan(0);
	});
});

describe('text layout', () => {
	it('wraps a paragraph within the width', () => {
		const lines = layoutParagraph({ text: 'word '.repeat(60).trim(), size: 11, maxWidth: 200, fonts });
		expect(lines.length).toBeGreaterThan(3);
		for (const line of lines) expect(line.width).toBeLessThanOrEqual(200);
		expect(lines.map((l) => l.pieces.map((p) => p.text).join('')).join(' ')).toBe('word '.repeat(60).trim());
	});

	it('cuts a word wider than the line', () => {
		const lines = layoutParagraph({ text: 'x'.repeat(300), size: 11, maxWidth: 100, fonts });
		expect(lines.length).toBeGreaterThan(2);
		for (const line of lines) expect(line.width).toBeLessThanOrEqual(100);
	});

	it('orders a right-to-left line with Latin inside from left to right as it is seen', () => {
		const [line, ...rest] = layoutParagraph({ text: 'أمل الحسيني (Jordan)', size: 11, maxWidth: 400, fonts });
		expect(rest).toEqual([]);
		expect(line!.rtl).toBe(true);
		const texts = line!.pieces.map((p) => p.text);
		// Seen from the left: "(Jordan)" (its brackets take the Arabic's direction, so they are drawn mirrored), then the
		// Arabic name, handed over in logical order since fontkit lays out an Arabic run right to left itself.
		expect(texts).toEqual(['(', 'Jordan', ')', 'أمل الحسيني ']);
		expect(line!.pieces.at(-1)!.face.file).toMatch(/Arabic/);
	});
});

/** The text a PDF shows, per drawing operation, decoded through each font's ToUnicode map (glyphs in drawing order). */
function pdfText(pdf: Uint8Array): { runs: string[][]; raw: string } {
	const raw = Buffer.from(pdf).toString('latin1');
	const objects = new Map<string, { dict: string; data: Buffer | null }>();
	for (const m of raw.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
		const body = m[2]!;
		const at = body.indexOf('stream');
		if (at < 0) {
			objects.set(m[1]!, { dict: body, data: null });
			continue;
		}
		const dict = body.slice(0, at);
		let data = Buffer.from(body.slice(at + 6).replace(/^\r?\n/, '').replace(/\r?\n?endstream\s*$/, ''), 'latin1');
		if (dict.includes('/FlateDecode')) data = inflateSync(data);
		objects.set(m[1]!, { dict, data });
	}
	const fontRefs = new Map<string, string>();
	for (const { dict } of objects.values()) {
		const fonts = /\/Font\s*<<([\s\S]*?)>>/.exec(dict)?.[1];
		if (fonts) for (const f of fonts.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) fontRefs.set(f[1]!, f[2]!);
	}
	const cmaps = new Map<string, Map<number, string>>();
	const cmapOf = (name: string): Map<number, string> => {
		const fontId = fontRefs.get(name)!;
		const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontId)!.dict)![1]!;
		let map = cmaps.get(toUnicode);
		if (map) return map;
		map = new Map();
		const text = objects.get(toUnicode)!.data!.toString('latin1');
		for (const r of text.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
			let gid = parseInt(r[1]!, 16);
			for (const hex of r[3]!.matchAll(/<([0-9a-f ]*)>/gi)) {
				const units = hex[1]!.split(' ').filter(Boolean).map((h) => parseInt(h, 16));
				map.set(gid++, String.fromCharCode(...units));
			}
		}
		cmaps.set(toUnicode, map);
		return map;
	};
	const runs: string[][] = [];
	for (const { dict, data } of objects.values()) {
		if (!data || dict.includes('/Subtype') || dict.includes('/Length1')) continue;
		const content = data.toString('latin1');
		if (!content.includes(' Tf')) continue;
		let font = '';
		for (const op of content.matchAll(/\/(\w+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
			if (op[1]) font = op[1];
			else {
				const map = cmapOf(font);
				const glyphs: string[] = [];
				for (const hex of op[2]!.matchAll(/<([0-9a-f]+)>/gi)) for (const gid of hex[1]!.match(/.{4}/g)!) glyphs.push(map.get(parseInt(gid, 16)) ?? '?');
				runs.push(glyphs);
			}
		}
	}
	return { runs, raw };
}

const work = {
	title: 'Our mural',
	statement: 'Painted together: café, naïve, Ångström.',
	lang: 'en',
	madeAt: 'Made on 3 March 2026',
	creditsHeading: 'Credits',
	credits: ['أمل الحسيني (Jordan)', 'Lucía Pérez (Spain)']
};

describe('toPdf', () => {
	it('a canvas: a PDF with its title, statement and credits as real text, fonts embedded, the drawing as an image', async () => {
		const svg = canvasSvg(canvasState({ r: { ...author, type: 'rect', x: 0, y: 0, w: 200, h: 100, z: 'a0', fill: '#ff0000' } }), { title: 'Our mural', description: '' });
		const pdf = await toPdf({ ...work, kind: 'canvas', svg }, { fonts });
		expect(Buffer.from(pdf.slice(0, 5)).toString('latin1')).toBe('%PDF-');
		const { runs, raw } = pdfText(pdf);
		const lines = runs.map((glyphs) => glyphs.join(''));
		expect(lines).toContain('Our mural');
		expect(lines).toContain('Painted together: café, naïve, Ångström.');
		expect(lines).toContain('Lucía Pérez (Spain)');
		// fontkit shapes Arabic into joined forms and lays the glyphs out right to left; read back in reverse, they are the name.
		const arabic = runs.find((glyphs) => glyphs.some((g) => /\p{Script=Arabic}/u.test(g)))!;
		expect([...arabic].reverse().join('').trim()).toBe('أمل الحسيني');
		expect(raw).toMatch(/\/FontFile2 \d+ 0 R/);
		expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansArabic-Regular/);
		expect(raw).toMatch(/\/Subtype \/Image/);
		expect(raw).toMatch(/\/Lang \(en\)/);
	});

	it('a text document: its paragraphs as text, and no image', async () => {
		const pdf = await toPdf({ ...work, kind: 'text', paragraphs: ['First paragraph.', '• A list item', 'مرحبا'] }, { fonts });
		const { runs, raw } = pdfText(pdf);
		const lines = runs.map((glyphs) => glyphs.join(''));
		expect(lines).toEqual(expect.arrayContaining(['First paragraph.', '• A list item', 'Credits', 'Made on 3 March 2026']));
		expect(runs.some((glyphs) => [...glyphs].reverse().join('') === 'مرحبا')).toBe(true);
		expect(raw).not.toMatch(/\/Subtype \/Image/);
	});

	it('a long document goes on over several pages', async () => {
		const paragraphs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1}. ${'Some words that fill the line. '.repeat(8)}`);
		const { raw } = pdfText(await toPdf({ ...work, kind: 'text', paragraphs }, { fonts }));
		expect(raw.match(/\/Type \/Page\b/g)!.length).toBeGreaterThan(2);
	});
});

describe('fonts', () => {
	it('a machine without fonts fails with a message that says what to install', () => {
		expect(() => createFontLibrary({ dirs: ['/nonexistent/fonts'] })).toThrow(MissingFontsError);
		expect(() => createFontLibrary({ dirs: ['/nonexistent/fonts'] })).toThrow(/fonts-noto-core/);
	});

	it('finds a font with the glyph: Latin with accents in Noto Sans, Arabic in Noto Sans Arabic', () => {
		expect(fonts.faceFor('é'.codePointAt(0)!).file).toMatch(/NotoSans-Regular/);
		expect(fonts.faceFor('ب'.codePointAt(0)!).file).toMatch(/NotoSansArabic-Regular/);
		expect(fonts.boldOf(fonts.faceFor(0x41)).file).toMatch(/NotoSans-Bold/);
	});
});
