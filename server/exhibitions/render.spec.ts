import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CANVAS_SHAPES, TEXT_FRAGMENT } from '../../src/lib/protocol/docs';
import { canvasShapes, canvasSvg, safeHref, textHtml, textPlain } from './render';

type Inline = string | [string, Record<string, unknown>] | Y.XmlElement;

/** An element as y-prosemirror stores Tiptap nodes: attributes, child elements, rich text runs in an XmlText. */
function el(name: string, attrs: Record<string, unknown>, ...children: Inline[]): Y.XmlElement {
	const node = new Y.XmlElement(name);
	for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v as string);
	const items: (Y.XmlElement | Y.XmlText)[] = [];
	let text: Y.XmlText | null = null;
	// A text not yet in a document reports length 0, so the insert position is counted here.
	let at = 0;
	for (const child of children) {
		if (child instanceof Y.XmlElement) {
			items.push(child);
			text = null;
			continue;
		}
		if (!text) {
			items.push((text = new Y.XmlText()));
			at = 0;
		}
		const [s, marks] = typeof child === 'string' ? [child, {}] : child;
		text.insert(at, s, marks);
		at += s.length;
	}
	node.insert(0, items);
	return node;
}

function textState(...blocks: Y.XmlElement[]): Uint8Array {
	const doc = new Y.Doc();
	doc.getXmlFragment(TEXT_FRAGMENT).insert(0, blocks);
	return Y.encodeStateAsUpdate(doc);
}

describe('textHtml', () => {
	it('an empty document (Tiptap keeps one empty paragraph) renders as nothing', () => {
		expect(textHtml(textState(el('paragraph', {})))).toBe('');
		expect(textHtml(Y.encodeStateAsUpdate(new Y.Doc()))).toBe('');
		expect(textPlain(textState(el('paragraph', {})))).toEqual([]);
	});

	it('markup typed into the text stays text', () => {
		const html = textHtml(textState(el('paragraph', {}, '<script>alert("x")</script> & <img src=x onerror=alert(1)>')));
		expect(html).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>');
	});

	it('headings start at h2, since the page has its own h1', () => {
		const html = textHtml(textState(el('heading', { level: 1 }, 'One'), el('heading', { level: 2 }, 'Two'), el('heading', { level: 3 }, 'Three'), el('heading', { level: 6 }, 'Six')));
		expect(html).toBe('<h2>One</h2><h3>Two</h3><h4>Three</h4><h4>Six</h4>');
	});

	it('marks nest, and neighbouring runs that share a mark share its element', () => {
		const html = textHtml(
			textState(el('paragraph', {}, 'a ', ['bold ', { bold: {} }], ['both', { bold: {}, italic: {} }], [' u', { underline: {} }], [' s', { strike: {} }], [' c', { code: {} }]))
		);
		expect(html).toBe('<p>a <strong>bold <em>both</em></strong><u> u</u><s> s</s><code> c</code></p>');
	});

	it('links keep http and https targets, with rel; any other target (mailto too) is dropped and its text kept', () => {
		const html = textHtml(
			textState(
				el(
					'paragraph',
					{},
					['site', { link: { href: 'https://example.org/a?b="c"' } }],
					' ',
					['mail', { link: { href: 'mailto:amal@example.org' } }],
					' ',
					['evil', { link: { href: 'javascript:alert(1)' }, bold: {} }],
					' ',
					['data', { link: { href: 'data:text/html,<b>' } }],
					' ',
					['rel', { link: { href: '/relative' } }]
				)
			)
		);
		expect(html).toBe(
			'<p><a href="https://example.org/a?b=%22c%22" rel="nofollow noopener noreferrer ugc">site</a> mail <strong>evil</strong> data rel</p>'
		);
		expect(safeHref(' JavaScript:alert(1)')).toBeNull();
		expect(safeHref('http://example.org')).toBe('http://example.org/');
	});

	it('lists, quotes, code blocks, breaks and rules map to their elements; unknown elements keep only their words', () => {
		const html = textHtml(
			textState(
				el('bulletList', {}, el('listItem', {}, el('paragraph', {}, 'one')), el('listItem', {}, el('paragraph', {}, 'two'))),
				el('orderedList', { start: 3 }, el('listItem', {}, el('paragraph', {}, 'three'))),
				el('blockquote', {}, el('paragraph', {}, 'quoted', el('hardBreak', {}), 'next')),
				el('codeBlock', { language: 'js' }, ['if (a < b) {}', { bold: {} }]),
				el('horizontalRule', {}),
				el('iframe', { src: 'https://evil.example' }, 'kept <words>'),
				el('paragraph', {}, 'in ', el('mention', { id: 'x' }, '@amal'), ' text')
			)
		);
		expect(html).toBe(
			'<ul><li><p>one</p></li><li><p>two</p></li></ul><ol start="3"><li><p>three</p></li></ol>' +
				'<blockquote><p>quoted<br>next</p></blockquote><pre><code>if (a &lt; b) {}</code></pre><hr>' +
				'<p>kept &lt;words&gt;</p><p>in @amal text</p>'
		);
	});

	it('plain text has one line per block, list markers, and Arabic as written', () => {
		const lines = textPlain(
			textState(
				el('heading', { level: 1 }, 'Title'),
				el('paragraph', {}, ['مرحبا ', { bold: {} }], 'بالعالم'),
				el('paragraph', {}),
				el('bulletList', {}, el('listItem', {}, el('paragraph', {}, 'one'))),
				el('orderedList', {}, el('listItem', {}, el('paragraph', {}, 'first')), el('listItem', {}, el('paragraph', {}, 'second'))),
				el('paragraph', {}, 'a', el('hardBreak', {}), 'b')
			)
		);
		expect(lines).toEqual(['Title', 'مرحبا بالعالم', '• one', '1. first', '2. second', 'a\nb']);
	});
});

const PNG_1PX = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

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

const base = { stroke: '#1f2937', authorId: 'u1', authorName: 'Amal', createdAt: 0 };

describe('canvasSvg', () => {
	const state = canvasState({
		p: { ...base, type: 'pen', x: 0, y: 0, w: 40, h: 40, points: [0, 0, 20, 20, 40, 40], z: 'a0' },
		r: { ...base, type: 'rect', x: 50, y: 0, w: 60, h: 40, fill: '#ffcc00', z: 'a1' },
		e: { ...base, type: 'ellipse', x: 0, y: 60, w: 60, h: 40, z: 'a2' },
		a: { ...base, type: 'arrow', x: 0, y: 120, w: 100, h: 0, z: 'a3' },
		s: { ...base, type: 'sticky', x: 120, y: 0, w: 180, h: 180, text: 'مرحبا <b>', z: 'a4' },
		t: { ...base, type: 'text', x: 120, y: 200, w: 240, h: 40, text: 'Café </text><script>alert(1)</script>', z: 'a5' },
		i: { ...base, type: 'image', x: 0, y: 200, w: 100, h: 100, src: PNG_1PX, alt: 'a red dot', z: 'a6' },
		x: { ...base, type: 'image', x: 0, y: 320, w: 100, h: 100, src: 'https://tracker.example/pixel.png', z: 'a7' },
		bad: { type: 'script', x: 0, y: 0 }
	});

	it('reads every shape type, back to front, and drops unknown ones', () => {
		expect(canvasShapes(state).map((s) => s.type)).toEqual(['pen', 'rect', 'ellipse', 'arrow', 'sticky', 'text', 'image', 'image']);
	});

	it('is a standalone SVG with title and description, escaped text, and no scripts or outside references', () => {
		const svg = canvasSvg(state, { title: 'Our <mural>', description: 'Shapes & words' });
		expect(svg.startsWith('<?xml')).toBe(true);
		expect(svg).toContain('<title>Our &lt;mural&gt;</title><desc>Shapes &amp; words</desc>');
		for (const tag of ['<path', '<rect', '<ellipse', '<line', '<text', '<image']) expect(svg).toContain(tag);
		expect(svg).toContain('مرحبا &lt;b&gt;');
		expect(svg).not.toMatch(/<script|<foreignObject|on\w+=/i);
		expect(svg).toContain(`href="${PNG_1PX}"`);
		expect(svg).not.toContain('tracker.example');
		// Every href left is a data: image.
		for (const [, href] of svg.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^data:image\//);
	});

	it('puts the description in even without a title, and an empty canvas is a blank sheet', () => {
		const svg = canvasSvg(canvasState({}), { title: '', description: 'Nothing yet' });
		expect(svg).toMatch(/^<\?xml[^>]*>\n<svg [^>]*><desc>Nothing yet<\/desc><rect/);
		expect(svg).toContain('width="400" height="300"');
	});
});
