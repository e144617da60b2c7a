import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';
import type { DocumentKind } from '../../src/lib/protocol/docs';
import { createFontLibrary, type FontLibrary } from './fonts';
import { prepareForResvg } from './png';
import { layoutParagraph, type Line } from './text-layout';

/**
 * Downloads of a public work: the canvas as PNG (resvg), and either kind as a PDF whose words are real text
 * (pdfkit, fonts embedded and subset, shaped by fontkit, so Arabic joins and reads right to left) with a canvas
 * as a picture. Both need fonts on disk: see fonts.ts for what a deploy installs.
 */

export interface PngOptions {
	/** The longest side of the image in pixels; a small drawing is drawn at twice its size, up to this. */
	maxSide?: number;
	fonts?: FontLibrary;
}

/** The drawing's own size, from the root element's width and height. */
function svgSize(svg: string): { w: number; h: number } | null {
	const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
	const w = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
	const h = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
	return w > 0 && h > 0 ? { w, h } : null;
}

/** The SVG (from canvasSvg) as a PNG at most `maxSide` pixels on its longest side. */
export async function toPng(svg: string, { maxSide = 2000, fonts }: PngOptions = {}): Promise<Uint8Array> {
	const library = fonts ?? createFontLibrary();
	const size = svgSize(svg);
	const zoom = size ? Math.min(2, maxSide / Math.max(size.w, size.h)) : 1;
	const resvg = new Resvg(prepareForResvg(svg), {
		fitTo: { mode: 'zoom', value: zoom },
		font: { loadSystemFonts: false, fontDirs: library.dirs, defaultFontFamily: 'Noto Sans', sansSerifFamily: 'Noto Sans', serifFamily: 'Noto Serif' },
		logLevel: 'off'
	});
	return new Uint8Array(resvg.render().asPng());
}

export interface PdfWork {
	kind: DocumentKind;
	title: string;
	statement: string;
	/** The language of title and statement (BCP 47), also the PDF's. */
	lang: string;
	/** When the version was saved, already formatted for the reader. */
	madeAt: string;
	creditsHeading: string;
	/** One formatted line per contributor. */
	credits: string[];
	/** A canvas: its SVG (from canvasSvg). */
	svg?: string;
	/** A text document: its paragraphs (from textPlain). */
	paragraphs?: string[];
}

export interface PdfOptions {
	fonts?: FontLibrary;
}

const PAGE = { size: 'A4' as const, margin: 56 };
const INK = '#111111';
const MUTED = '#4b5563';

type Doc = InstanceType<typeof PDFDocument>;

/** A writer that keeps track of where the next line goes and starts new pages. */
class Writer {
	readonly #doc: Doc;
	readonly #fonts: FontLibrary;
	readonly #registered = new Set<string>();
	y: number;

	constructor(doc: Doc, fonts: FontLibrary) {
		this.#doc = doc;
		this.#fonts = fonts;
		this.y = doc.page.margins.top;
	}

	get width(): number {
		return this.#doc.page.width - this.#doc.page.margins.left - this.#doc.page.margins.right;
	}

	get bottom(): number {
		return this.#doc.page.height - this.#doc.page.margins.bottom;
	}

	/** Starts a new page unless `height` fits on this one. */
	room(height: number): void {
		if (this.y + height <= this.bottom) return;
		this.#doc.addPage();
		this.y = this.#doc.page.margins.top;
	}

	paragraph(text: string, { size, bold = false, colour = INK, after = size * 0.6 }: { size: number; bold?: boolean; colour?: string; after?: number }): void {
		const lineHeight = size * 1.45;
		for (const line of layoutParagraph({ text, size, maxWidth: this.width, fonts: this.#fonts, bold })) {
			this.room(lineHeight);
			this.#line(line, size, lineHeight, colour);
			this.y += lineHeight;
		}
		this.y += after;
	}

	#line(line: Line, size: number, lineHeight: number, colour: string): void {
		const doc = this.#doc;
		const left = doc.page.margins.left;
		let x = line.rtl ? left + this.width - line.width : left;
		// The baseline sits about 0.8 of the font size below the top of the line box, whatever the font.
		const baseline = this.y + (lineHeight - size) / 2 + size * 0.8;
		for (const piece of line.pieces) {
			if (!this.#registered.has(piece.face.file)) {
				doc.registerFont(piece.face.file, this.#fonts.bytes(piece.face.file));
				this.#registered.add(piece.face.file);
			}
			// `features` makes pdfkit shape the piece as one run; without it, it shapes word by word and an
			// Arabic phrase comes out with its words in the wrong order.
			doc
				.font(piece.face.file)
				.fontSize(size)
				.fillColor(colour)
				.text(piece.text, x, baseline, { lineBreak: false, baseline: 'alphabetic', features: [] });
			x += piece.width;
		}
	}

	image(png: Uint8Array, { maxHeight }: { maxHeight: number }): void {
		const doc = this.#doc;
		const data = Buffer.from(png);
		// The size from the PNG header (IHDR: width and height at bytes 16 and 20).
		const [pw, ph] = [data.readUInt32BE(16), data.readUInt32BE(20)];
		const scale = Math.min(this.width / pw, maxHeight / ph, 1);
		const w = pw * scale;
		const h = ph * scale;
		this.room(h);
		doc.image(data, doc.page.margins.left + (this.width - w) / 2, this.y, { width: w, height: h });
		this.y += h + 16;
	}
}

/**
 * A PDF of a work: title, statement, the canvas as an image or the document's paragraphs, when it was made, and the
 * credits. Every word is text a reader can select, search and have read aloud.
 */
export async function toPdf(work: PdfWork, { fonts }: PdfOptions = {}): Promise<Uint8Array> {
	const library = fonts ?? createFontLibrary();
	const png = work.kind === 'canvas' && work.svg ? await toPng(work.svg, { maxSide: 2000, fonts: library }) : null;
	const doc = new PDFDocument({
		size: PAGE.size,
		margin: PAGE.margin,
		lang: work.lang,
		displayTitle: true,
		pdfVersion: '1.7',
		info: { Title: work.title, Creator: 'Tessera' }
	});
	const chunks: Buffer[] = [];
	const done = new Promise<Uint8Array>((resolve, reject) => {
		doc.on('data', (chunk: Buffer) => chunks.push(chunk));
		doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
		doc.on('error', reject);
	});
	const out = new Writer(doc, library);
	out.paragraph(work.title, { size: 22, bold: true, after: 10 });
	if (work.statement.trim()) for (const part of work.statement.split(/\n{2,}/)) out.paragraph(part, { size: 11 });
	out.y += 8;
	if (png) out.image(png, { maxHeight: out.bottom - out.y > 240 ? out.bottom - out.y : out.bottom - 56 });
	for (const paragraph of work.paragraphs ?? []) out.paragraph(paragraph, { size: 11 });
	out.y += 8;
	out.paragraph(work.madeAt, { size: 9, colour: MUTED, after: 14 });
	if (work.credits.length > 0) {
		out.room(60);
		out.paragraph(work.creditsHeading, { size: 12, bold: true, after: 4 });
		for (const credit of work.credits) out.paragraph(credit, { size: 10, after: 2 });
	}
	doc.end();
	return done;
}
