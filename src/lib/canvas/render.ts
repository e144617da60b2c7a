import { penPath, type Shape } from './shapes';

/**
 * How each shape is drawn, as a small SVG element tree: the live canvas renders it with Svelte and the export
 * serialises it (export.ts), so what people download is exactly what they see. Text is laid out here, without
 * `<foreignObject>`, because a browser will not turn an SVG holding HTML into a PNG.
 */
export interface SvgNode {
	tag: string;
	attrs: Record<string, string | number>;
	/** Text content (for `<text>`/`<tspan>`/`<title>`); escaped when serialised. */
	text?: string;
	children?: SvgNode[];
}

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif";

/** Text metrics per type: font size, line height and inner padding, in canvas units. */
export const TEXT_STYLE = {
	sticky: { fontSize: 18, lineHeight: 24, padding: 14 },
	text: { fontSize: 22, lineHeight: 29, padding: 4 }
} as const;

const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Adlam}]/u;
const LETTER = /\p{L}/u;

/** The direction of the first strong character (Unicode's rule for a paragraph), ltr when there is none. */
export function textDirection(text: string): 'ltr' | 'rtl' {
	for (const ch of text) {
		if (RTL.test(ch)) return 'rtl';
		if (LETTER.test(ch)) return 'ltr';
	}
	return 'ltr';
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Extended_Pictographic}\u3000-\u303f\uff00-\uffef]/u;

/** An estimate of a character's advance in ems: full width for CJK and emoji, a bit over half otherwise. */
function advance(ch: string): number {
	return WIDE.test(ch) ? 1 : 0.58;
}

/** An estimate of how wide `text` is set at `fontSize` (no measuring: the same everywhere). */
export function estimateWidth(text: string, fontSize: number): number {
	let w = 0;
	for (const ch of text) w += advance(ch);
	return w * fontSize;
}

/**
 * Greedy line breaking by estimated width (no measuring, so it is the same in the browser, in tests and in the
 * export): paragraphs split at newlines, lines at spaces, and a word longer than a line is cut between characters.
 */
export function wrapText(text: string, maxWidth: number, fontSize: number): string[] {
	const lines: string[] = [];
	for (const paragraph of text.split(/\r?\n/)) {
		let line = '';
		for (const word of paragraph.split(/[ \t]+/)) {
			const candidate = line ? `${line} ${word}` : word;
			if (estimateWidth(candidate, fontSize) <= maxWidth) {
				line = candidate;
				continue;
			}
			if (line) lines.push(line);
			line = '';
			// A word wider than the line is cut between characters.
			for (const ch of word) {
				if (line && estimateWidth(line + ch, fontSize) > maxWidth) {
					lines.push(line);
					line = '';
				}
				line += ch;
			}
		}
		lines.push(line);
	}
	return lines;
}

/** The lines of a sticky note or text shape that fit its box; a cut last line ends with "…". */
export function layoutText(shape: Pick<Shape, 'type' | 'w' | 'h' | 'text'>): string[] {
	const style = shape.type === 'sticky' ? TEXT_STYLE.sticky : TEXT_STYLE.text;
	const inner = Math.max(style.fontSize, shape.w - 2 * style.padding);
	const lines = wrapText(shape.text ?? '', inner, style.fontSize);
	const fit = Math.max(1, Math.floor((shape.h - 2 * style.padding) / style.lineHeight));
	if (lines.length <= fit) return lines;
	const kept = lines.slice(0, fit);
	kept[fit - 1] = `${kept[fit - 1]!.replace(/.?$/u, '')}…`;
	return kept;
}

/** The height a text shape needs to show all of `text` at width `w`. */
export function textHeight(text: string, w: number): number {
	const style = TEXT_STYLE.text;
	const lines = wrapText(text, Math.max(style.fontSize, w - 2 * style.padding), style.fontSize).length;
	return Math.max(1, lines) * style.lineHeight + 2 * style.padding;
}

function textNode(shape: Shape, colour: string): SvgNode {
	const style = shape.type === 'sticky' ? TEXT_STYLE.sticky : TEXT_STYLE.text;
	const dir = textDirection(shape.text ?? '');
	const x = dir === 'rtl' ? shape.x + shape.w - style.padding : shape.x + style.padding;
	// The first baseline sits about 0.8 em under the top of the first line.
	const top = shape.y + style.padding + (style.lineHeight - style.fontSize) / 2 + style.fontSize * 0.8;
	// Always explicit: inside a right-to-left page the SVG would otherwise inherit rtl and anchor Latin text at its end.
	const attrs: Record<string, string | number> = { x, y: top, fill: colour, 'font-family': FONT_FAMILY, 'font-size': style.fontSize, direction: dir };
	return {
		tag: 'text',
		attrs,
		children: layoutText(shape).map((line, i) => ({ tag: 'tspan', attrs: { x, y: top + i * style.lineHeight }, text: line }))
	};
}

export interface RenderOptions {
	/** Live canvas only: make the insides of unfilled shapes and thin lines easy to pick with a pointer. */
	hitAreas?: boolean;
}

/** The SVG for one shape, in canvas units. */
export function renderShape(shape: Shape, options: RenderOptions = {}): SvgNode {
	const hit: Record<string, string> = options.hitAreas ? { 'pointer-events': 'all' } : {};
	switch (shape.type) {
		case 'rect':
			return {
				tag: 'rect',
				attrs: { x: shape.x, y: shape.y, width: shape.w, height: shape.h, rx: 4, fill: shape.fill, stroke: shape.stroke, 'stroke-width': shape.strokeWidth, ...hit }
			};
		case 'ellipse':
			return {
				tag: 'ellipse',
				attrs: { cx: shape.x + shape.w / 2, cy: shape.y + shape.h / 2, rx: shape.w / 2, ry: shape.h / 2, fill: shape.fill, stroke: shape.stroke, 'stroke-width': shape.strokeWidth, ...hit }
			};
		case 'pen':
			return { tag: 'path', attrs: { d: penPath(shape), fill: shape.stroke } };
		case 'arrow':
			return arrow(shape, options);
		case 'sticky':
			return {
				tag: 'g',
				attrs: {},
				children: [
					{ tag: 'rect', attrs: { x: shape.x, y: shape.y, width: shape.w, height: shape.h, rx: 6, fill: shape.fill === 'none' ? '#ffffff' : shape.fill, stroke: shape.stroke, 'stroke-width': Math.max(1, shape.strokeWidth) } },
					textNode(shape, shape.stroke)
				]
			};
		case 'text':
			return {
				tag: 'g',
				attrs: {},
				children: [
					...(options.hitAreas ? [{ tag: 'rect', attrs: { x: shape.x, y: shape.y, width: shape.w, height: shape.h, fill: 'transparent' } }] : []),
					textNode(shape, shape.stroke)
				]
			};
		case 'image':
			return shape.src
				? { tag: 'image', attrs: { href: shape.src, x: shape.x, y: shape.y, width: shape.w, height: shape.h, preserveAspectRatio: 'xMidYMid meet', ...hit } }
				: {
						tag: 'rect',
						attrs: { x: shape.x, y: shape.y, width: shape.w, height: shape.h, fill: '#f4ede2', stroke: shape.stroke, 'stroke-width': 2, 'stroke-dasharray': '8 6', ...hit }
					};
	}
}

function arrow(shape: Shape, options: RenderOptions): SvgNode {
	const sw = Math.max(1, shape.strokeWidth);
	const [x1, y1, x2, y2] = [shape.x, shape.y, shape.x + shape.w, shape.y + shape.h];
	const length = Math.hypot(shape.w, shape.h);
	if (length < 1) return { tag: 'circle', attrs: { cx: x1, cy: y1, r: sw, fill: shape.stroke } };
	const head = Math.min(length, Math.max(12, sw * 4));
	const [ux, uy] = [shape.w / length, shape.h / length];
	// The line stops at the base of the head so its end cap does not poke through the point.
	const bx = x2 - ux * head;
	const by = y2 - uy * head;
	const half = head * 0.55;
	const children: SvgNode[] = [
		{ tag: 'line', attrs: { x1, y1, x2: bx, y2: by, stroke: shape.stroke, 'stroke-width': sw, 'stroke-linecap': 'round' } },
		{ tag: 'path', attrs: { d: `M${x2} ${y2}L${bx - uy * half} ${by + ux * half}L${bx + uy * half} ${by - ux * half}Z`, fill: shape.stroke } }
	];
	if (options.hitAreas) children.unshift({ tag: 'line', attrs: { x1, y1, x2, y2, stroke: 'transparent', 'stroke-width': Math.max(16, sw * 3), 'pointer-events': 'stroke' } });
	return { tag: 'g', attrs: {}, children };
}
