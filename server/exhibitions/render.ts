import * as Y from 'yjs';
import { escapeXml, toSvg } from '../../src/lib/canvas/export';
import { readShape, type Shape } from '../../src/lib/canvas/shapes';
import { sortByZ } from '../../src/lib/canvas/zorder';
import { CANVAS_SHAPES, TEXT_FRAGMENT } from '../../src/lib/protocol/docs';

/**
 * Read-only renderings of a work's stored Yjs state (`works.state`) for its public page and downloads. Pure: the
 * state is decoded into a fresh Y.Doc each call, and everything that reaches the output is whitelisted and escaped,
 * since the state was written by browsers we do not trust.
 */

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc({ gc: true });
	Y.applyUpdate(doc, state);
	return doc;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values made safe for HTML; control characters other than tab and newline are dropped. */
export function escapeHtml(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

// No mailto: a work is shown to the public, and an address written into a child's document must not become a link
// anyone can use (the words stay, as text).
const SAFE_PROTOCOLS = new Set(['http:', 'https:']);

/** The link target if it is an absolute http(s) URL, else null (mailto:, javascript:, data:, relative ...). */
export function safeHref(href: unknown): string | null {
	if (typeof href !== 'string' || href.length > 2048) return null;
	try {
		const url = new URL(href.trim());
		return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
	} catch {
		return null;
	}
}

/** Marks, outermost first: a link wraps its formatting, and inline code sits innermost. */
const MARKS = [
	['link', 'a'],
	['bold', 'strong'],
	['italic', 'em'],
	['underline', 'u'],
	['strike', 's'],
	['code', 'code']
] as const;

interface Mark {
	tag: string;
	/** The opening tag, compared to tell whether two neighbouring runs share the mark (same link target). */
	open: string;
}

interface DeltaOp {
	insert: unknown;
	attributes?: Record<string, unknown>;
}

function marksOf(attributes: Record<string, unknown> | undefined): Mark[] {
	const marks: Mark[] = [];
	if (!attributes) return marks;
	for (const [name, tag] of MARKS) {
		const value = attributes[name];
		if (value === undefined || value === null) continue;
		if (name === 'link') {
			const href = safeHref((value as { href?: unknown }).href);
			// A link to anywhere else is dropped; its text stays.
			if (href) marks.push({ tag, open: `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer ugc">` });
		} else marks.push({ tag, open: `<${tag}>` });
	}
	return marks;
}

/** Rich text with its marks, neighbouring runs that share marks kept inside one element. */
function inlineHtml(text: Y.XmlText, plain: boolean): string {
	let out = '';
	const open: Mark[] = [];
	for (const op of text.toDelta() as DeltaOp[]) {
		if (typeof op.insert !== 'string') continue;
		const marks = plain ? [] : marksOf(op.attributes);
		let same = 0;
		while (same < open.length && same < marks.length && open[same]!.open === marks[same]!.open) same++;
		while (open.length > same) out += `</${open.pop()!.tag}>`;
		for (const mark of marks.slice(same)) {
			out += mark.open;
			open.push(mark);
		}
		out += escapeHtml(op.insert);
	}
	while (open.length > 0) out += `</${open.pop()!.tag}>`;
	return out;
}

function textContent(node: Y.XmlElement | Y.XmlText | Y.XmlFragment): string {
	if (node instanceof Y.XmlText) return (node.toDelta() as DeltaOp[]).map((op) => (typeof op.insert === 'string' ? op.insert : '')).join('');
	return node
		.toArray()
		.map((child) => (child instanceof Y.XmlElement || child instanceof Y.XmlText ? textContent(child) : ''))
		.join('');
}

const BLOCKS: Record<string, string> = { paragraph: 'p', bulletList: 'ul', orderedList: 'ol', listItem: 'li', blockquote: 'blockquote' };

function headingTag(level: unknown): string {
	const n = Number(level);
	if (n >= 3) return 'h4';
	return n === 2 ? 'h3' : 'h2';
}

function childrenHtml(node: Y.XmlElement | Y.XmlFragment, block: boolean): string {
	return node
		.toArray()
		.map((child) => {
			if (child instanceof Y.XmlText) return inlineHtml(child, false);
			if (child instanceof Y.XmlElement) return elementHtml(child, block);
			return '';
		})
		.join('');
}

function elementHtml(node: Y.XmlElement, block: boolean): string {
	const name = node.nodeName;
	if (name === 'hardBreak') return '<br>';
	if (name === 'horizontalRule') return '<hr>';
	if (name === 'heading') {
		const tag = headingTag(node.getAttribute('level'));
		return `<${tag}>${childrenHtml(node, false)}</${tag}>`;
	}
	if (name === 'codeBlock') return `<pre><code>${escapeHtml(textContent(node))}</code></pre>`;
	const tag = BLOCKS[name];
	if (tag) {
		const start = name === 'orderedList' ? Number(node.getAttribute('start')) : NaN;
		const attrs = Number.isInteger(start) && start !== 1 && Math.abs(start) < 1e6 ? ` start="${start}"` : '';
		return `<${tag}${attrs}>${childrenHtml(node, tag !== 'p')}</${tag}>`;
	}
	// An element another tool wrote: its words are kept, its markup is not.
	const text = escapeHtml(textContent(node));
	return block && text ? `<p>${text}</p>` : text;
}

/** The text document in `state` as sanitised, read-only HTML (headings start at h2); '' when it has no words. */
export function textHtml(state: Uint8Array): string {
	const doc = docOf(state);
	try {
		const fragment = doc.getXmlFragment(TEXT_FRAGMENT);
		if (!textContent(fragment).trim()) return '';
		return childrenHtml(fragment, true);
	} finally {
		doc.destroy();
	}
}

/**
 * The text document as plain paragraphs, one string per block (list items start with "• " or "1. "); a hard
 * break or a code block's lines stay inside their paragraph as "\n". Empty blocks are left out.
 */
export function textPlain(state: Uint8Array): string[] {
	const doc = docOf(state);
	try {
		const lines: string[] = [];
		collectPlain(doc.getXmlFragment(TEXT_FRAGMENT), '', lines);
		return lines;
	} finally {
		doc.destroy();
	}
}

function inlinePlain(node: Y.XmlElement): string {
	return node
		.toArray()
		.map((child) => {
			if (child instanceof Y.XmlText) return textContent(child);
			if (child instanceof Y.XmlElement) return child.nodeName === 'hardBreak' ? '\n' : inlinePlain(child);
			return '';
		})
		.join('');
}

const CONTAINERS = new Set(['bulletList', 'orderedList', 'listItem', 'blockquote']);

function collectPlain(node: Y.XmlElement | Y.XmlFragment, prefix: string, lines: string[]): void {
	let number = node instanceof Y.XmlElement && node.nodeName === 'orderedList' ? Number(node.getAttribute('start')) || 1 : 1;
	const ordered = node instanceof Y.XmlElement && node.nodeName === 'orderedList';
	const bulleted = node instanceof Y.XmlElement && node.nodeName === 'bulletList';
	for (const child of node.toArray()) {
		if (child instanceof Y.XmlText) {
			const text = textContent(child).trim();
			if (text) lines.push(prefix + text);
			continue;
		}
		if (!(child instanceof Y.XmlElement)) continue;
		if (child.nodeName === 'listItem') {
			const marker = ordered ? `${number++}. ` : bulleted ? '• ' : '';
			const before = lines.length;
			collectPlain(child, '', lines);
			// The marker goes on the item's first line only.
			if (lines.length > before) lines[before] = prefix + marker + lines[before]!;
		} else if (CONTAINERS.has(child.nodeName)) collectPlain(child, prefix, lines);
		else {
			const text = inlinePlain(child).trim();
			if (text) lines.push(prefix + text);
		}
	}
}

/** The canvas shapes in `state`, back to front; an image keeps its `src` only if it is a data: URL. */
export function canvasShapes(state: Uint8Array): Shape[] {
	const doc = docOf(state);
	try {
		const shapes: Shape[] = [];
		doc.getMap<unknown>(CANVAS_SHAPES).forEach((entry, id) => {
			if (!(entry instanceof Y.Map)) return;
			const shape = readShape(id, entry);
			if (!shape) return;
			// A public page must not make a visitor's browser fetch from elsewhere (tracking, mixed content).
			if (shape.src !== undefined && !/^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i.test(shape.src)) delete shape.src;
			shapes.push(shape);
		});
		return sortByZ(shapes);
	} finally {
		doc.destroy();
	}
}

/**
 * The canvas in `state` as a standalone SVG document: `title` becomes its <title>, `description` its <desc>. Built
 * by the browser's own export (toSvg), so it holds no script, no foreignObject and no reference outside itself.
 */
export function canvasSvg(state: Uint8Array, { title, description }: { title: string; description: string }): string {
	const svg = toSvg(canvasShapes(state), { title });
	if (!description.trim()) return svg;
	const desc = `<desc>${escapeXml(description)}</desc>`;
	if (title && svg.includes('</title>')) return svg.replace('</title>', () => `</title>${desc}`);
	const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
	return svg.slice(0, open) + desc + svg.slice(open);
}
