import { describe, expect, it } from 'vitest';
import { estimateWidth, layoutText, renderShape, textDirection, textHeight, TEXT_STYLE, wrapText } from './render';
import { newShapeFields, type Shape } from './shapes';

const author = { id: 'u1', name: 'Amal' };
function shape(fields: Partial<Shape> & Pick<Shape, 'type'>): Shape {
	return { id: 's', ...newShapeFields({ x: 0, y: 0, z: 'a0', author, now: 0, ...fields }), ...fields };
}

describe('wrapText', () => {
	it('breaks at spaces to fit the width', () => {
		const lines = wrapText('one two three four five six', estimateWidth('one two three', 10), 10);
		expect(lines).toEqual(['one two three', 'four five six']);
	});

	it('keeps newlines and cuts a word longer than a line', () => {
		expect(wrapText('a\n\nb', 100, 10)).toEqual(['a', '', 'b']);
		const lines = wrapText('x'.repeat(30), estimateWidth('x'.repeat(10), 10), 10);
		expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(10)]);
	});

	it('counts CJK and emoji as wide, and never splits a surrogate pair', () => {
		expect(estimateWidth('漢字', 10)).toBe(20);
		const lines = wrapText('😀😀😀😀', 25, 10);
		expect(lines).toEqual(['😀😀', '😀😀']);
	});
});

describe('textDirection', () => {
	it.each([
		['Hello', 'ltr'],
		['مرحبا', 'rtl'],
		['שלום', 'rtl'],
		['123 مرحبا', 'rtl'],
		['(Hello) مرحبا', 'ltr'],
		['', 'ltr'],
		['!!!', 'ltr']
	])('%j → %s', (text, dir) => {
		expect(textDirection(text)).toBe(dir);
	});
});

describe('layoutText', () => {
	it('cuts what does not fit in a sticky note with an ellipsis', () => {
		const note = shape({ type: 'sticky', w: 180, h: 2 * TEXT_STYLE.sticky.padding + 2 * TEXT_STYLE.sticky.lineHeight, text: 'word '.repeat(60) });
		const lines = layoutText(note);
		expect(lines).toHaveLength(2);
		expect(lines[1]!.endsWith('…')).toBe(true);
	});

	it('a text shape is as tall as its lines', () => {
		expect(textHeight('one line', 240)).toBe(TEXT_STYLE.text.lineHeight + 2 * TEXT_STYLE.text.padding);
		expect(textHeight('a\nb\nc', 240)).toBe(3 * TEXT_STYLE.text.lineHeight + 2 * TEXT_STYLE.text.padding);
	});
});

describe('renderShape', () => {
	it('draws each type with its own element', () => {
		expect(renderShape(shape({ type: 'rect' })).tag).toBe('rect');
		expect(renderShape(shape({ type: 'ellipse', w: 100, h: 50 })).attrs).toMatchObject({ cx: 50, cy: 25, rx: 50, ry: 25 });
		expect(renderShape(shape({ type: 'pen', points: [0, 0, 10, 10], w: 10, h: 10 })).tag).toBe('path');
		const arrow = renderShape(shape({ type: 'arrow', w: 100, h: 0 }));
		expect(arrow.children?.map((c) => c.tag)).toEqual(['line', 'path']);
		expect(renderShape(shape({ type: 'image' })).attrs['stroke-dasharray']).toBe('8 6');
		expect(renderShape(shape({ type: 'image', src: 'data:image/png;base64,AA' })).tag).toBe('image');
	});

	it('states left-to-right text explicitly, so a right-to-left page does not flip it', () => {
		const note = renderShape(shape({ type: 'sticky', x: 0, w: 180, text: 'Hello' }));
		expect(note.children![1]!.attrs).toMatchObject({ direction: 'ltr', x: TEXT_STYLE.sticky.padding });
	});

	it('sets right-to-left text from the right edge', () => {
		const note = renderShape(shape({ type: 'sticky', x: 0, w: 180, text: 'مرحبا بكم' }));
		const text = note.children![1]!;
		expect(text.attrs.direction).toBe('rtl');
		expect(text.attrs.x).toBe(180 - TEXT_STYLE.sticky.padding);
		expect(text.children![0]!.text).toBe('مرحبا بكم');
	});

	it('adds pointer targets only for the live canvas', () => {
		expect(renderShape(shape({ type: 'rect' })).attrs['pointer-events']).toBeUndefined();
		expect(renderShape(shape({ type: 'rect' }), { hitAreas: true }).attrs['pointer-events']).toBe('all');
		expect(renderShape(shape({ type: 'arrow' }), { hitAreas: true }).children).toHaveLength(3);
	});
});
