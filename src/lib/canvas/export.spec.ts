import { describe, expect, it } from 'vitest';
import { EMPTY_SIZE, escapeXml, exportArea, fileName, serialize, toSvg } from './export';
import { newShapeFields, penFields, type Shape } from './shapes';

const author = { id: 'u1', name: 'Amal' };
const shapes: Shape[] = [
	{ id: 'b', ...newShapeFields({ type: 'sticky', x: 200, y: 0, w: 400, z: 'a2', author, now: 0, text: 'Ideas <3 & "more"', alt: 'A note' }) },
	{ id: 'a', ...newShapeFields({ type: 'rect', x: 0, y: 0, w: 100, h: 50, z: 'a0', author, now: 0 }) },
	{ id: 'c', ...penFields({ points: [10, 10, 20, 30, 40, 20], z: 'a1', author, now: 0 }) }
];

/** Enough of an XML check for our own output: one root, every tag closed in order, no stray < or &. */
function expectWellFormed(xml: string) {
	const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
	const stack: string[] = [];
	const tokens = body.match(/<[^>]*>|[^<]+/g) ?? [];
	for (const token of tokens) {
		if (token.startsWith('</')) expect(stack.pop()).toBe(token.slice(2, -1));
		else if (token.startsWith('<')) {
			expect(token).toMatch(/^<[a-zA-Z][\w:-]*(\s+[\w:-]+="[^"<]*")*\s*\/?>$/);
			if (!token.endsWith('/>')) stack.push(token.slice(1).split(/[\s>]/)[0]!);
		} else expect(token).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
	}
	expect(stack).toEqual([]);
}

describe('toSvg', () => {
	const svg = toSvg(shapes, { title: 'Our <plan>', describe: (s) => `${s.type} by ${s.authorName}` });

	it('is a standalone, well-formed SVG document with a title and a text description', () => {
		expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expectWellFormed(svg);
		expect(svg).toContain('<title>Our &lt;plan&gt;</title>');
		expect(svg).toContain('<desc>rect by Amal\npen by Amal\nsticky by Amal</desc>');
		expect(svg).toContain('role="img"');
	});

	it('draws shapes back to front on white paper cropped to the drawing', () => {
		const rect = svg.indexOf('<rect x="0" y="0" width="100"');
		const pen = svg.indexOf('<path d="M');
		const sticky = svg.indexOf('Ideas');
		expect(rect).toBeGreaterThan(0);
		expect(rect).toBeLessThan(pen);
		expect(pen).toBeLessThan(sticky);
		const area = exportArea(shapes);
		expect(svg).toContain(`width="${area.w}" height="${area.h}"`);
		expect(svg).toContain('fill="#ffffff"');
	});

	it('escapes text people typed', () => {
		expect(svg).toContain('Ideas &lt;3 &amp; &quot;more&quot;');
		const hostile = toSvg([{ ...shapes[0]!, text: '</text><script>alert(1)</script>' }]);
		expect(hostile).not.toContain('<script>');
		expectWellFormed(hostile);
	});

	it('exports an empty canvas as blank paper', () => {
		const empty = toSvg([]);
		expectWellFormed(empty);
		expect(empty).toContain(`width="${EMPTY_SIZE.w}" height="${EMPTY_SIZE.h}"`);
		expect(empty).not.toContain('<desc>');
	});
});

describe('serialize and escapeXml', () => {
	it('drops characters XML cannot hold and refuses bad names', () => {
		expect(escapeXml('a\u0000b\u0007c\td')).toBe('abc\td');
		expect(() => serialize({ tag: 'a b', attrs: {} })).toThrow();
		expect(serialize({ tag: 'g', attrs: { 'on click': 'x', fill: 'red' } })).toBe('<g fill="red"/>');
		expect(serialize({ tag: 'rect', attrs: { x: 1 / 3 } })).toBe('<rect x="0.33"/>');
	});
});

describe('fileName', () => {
	it.each([
		['Our plan: v2!', 'png', 'Our-plan-v2.png'],
		['خطتنا', 'svg', 'خطتنا.svg'],
		['../../etc/passwd', 'svg', 'etc-passwd.svg'],
		['', 'png', 'canvas.png'],
		['???', 'png', 'canvas.png']
	] as const)('%j → %s', (title, ext, name) => {
		expect(fileName(title, ext)).toBe(name);
	});
});
