import { CANVAS_BACKGROUND } from './palette';
import { renderShape, type SvgNode } from './render';
import { unionBounds, type Box, type Shape } from './shapes';
import { sortByZ } from './zorder';

export interface SvgExportOptions {
	/** Becomes the SVG's `<title>` (its accessible name). */
	title?: string;
	/** One line per shape for `<desc>`, the text equivalent of the drawing (e.g. "Sticky note by Amal: Ideas"). */
	describe?: (shape: Shape) => string;
	/** Space around the drawing, in canvas units. */
	margin?: number;
}

/** The size of an empty drawing's export. */
export const EMPTY_SIZE = { w: 400, h: 300 };

/** The area an export covers: every shape plus the margin. */
export function exportArea(shapes: readonly Shape[], margin = 24): Box {
	const box = unionBounds(shapes);
	if (!box) return { x: 0, y: 0, ...EMPTY_SIZE };
	return { x: box.x - margin, y: box.y - margin, w: Math.ceil(box.w + 2 * margin), h: Math.ceil(box.h + 2 * margin) };
}

/**
 * A standalone SVG document of the drawing: white paper cropped to the shapes, shapes back to front, with a
 * title and a text description. Pure, so the same string is downloaded as SVG and rasterised for PNG.
 */
export function toSvg(shapes: readonly Shape[], options: SvgExportOptions = {}): string {
	const area = exportArea(shapes, options.margin);
	const sorted = sortByZ(shapes);
	const children: SvgNode[] = [];
	if (options.title) children.push({ tag: 'title', attrs: {}, text: options.title });
	if (options.describe && sorted.length > 0) children.push({ tag: 'desc', attrs: {}, text: sorted.map(options.describe).join('\n') });
	children.push({ tag: 'rect', attrs: { x: area.x, y: area.y, width: area.w, height: area.h, fill: CANVAS_BACKGROUND } });
	for (const shape of sorted) children.push(renderShape(shape));
	const root: SvgNode = {
		tag: 'svg',
		attrs: {
			xmlns: 'http://www.w3.org/2000/svg',
			width: area.w,
			height: area.h,
			viewBox: `${fmt(area.x)} ${fmt(area.y)} ${fmt(area.w)} ${fmt(area.h)}`,
			role: 'img'
		},
		children
	};
	return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}\n`;
}

function fmt(n: number): string {
	return String(Math.round(n * 100) / 100);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text and attribute values made safe for XML; characters XML 1.0 forbids are dropped. */
export function escapeXml(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

const NAME = /^[a-zA-Z][a-zA-Z0-9:-]*$/;

/** One element tree as XML. */
export function serialize(node: SvgNode): string {
	if (!NAME.test(node.tag)) throw new Error(`bad element name: ${node.tag}`);
	const attrs = Object.entries(node.attrs)
		.filter(([k]) => NAME.test(k))
		.map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : v)}"`)
		.join('');
	const inner = (node.text !== undefined ? escapeXml(node.text) : '') + (node.children ?? []).map(serialize).join('');
	return inner ? `<${node.tag}${attrs}>${inner}</${node.tag}>` : `<${node.tag}${attrs}/>`;
}

/** A file name from a document title: letters and digits of any script kept, the rest dashes. */
export function fileName(title: string, extension: 'png' | 'svg'): string {
	const base = title
		.normalize('NFC')
		.replace(/[^\p{L}\p{N}]+/gu, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80);
	return `${base || 'canvas'}.${extension}`;
}
