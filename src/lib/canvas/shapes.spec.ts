import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLOUR } from './palette';
import { ALT_MAX, bounds, COORD_MAX, newShapeFields, penFields, penPath, POINTS_MAX, readShape, TEXT_MAX, unionBounds, type FieldSource } from './shapes';

const author = { id: 'u1', name: 'Amal' };
const record = (fields: Record<string, unknown>): FieldSource => ({ get: (key) => fields[key] });

describe('newShapeFields', () => {
	it('fills in the documented fields with defaults', () => {
		const fields = newShapeFields({ type: 'rect', x: 10.04, y: 20, z: 'a0', author, now: 1_700_000_000_000 });
		expect(fields).toEqual({
			type: 'rect',
			x: 10,
			y: 20,
			w: 160,
			h: 100,
			stroke: DEFAULT_COLOUR.ink,
			fill: 'none',
			strokeWidth: 3,
			z: 'a0',
			authorId: 'u1',
			authorName: 'Amal',
			createdAt: 1_700_000_000_000
		});
	});

	it('gives sticky notes text, a filled tint and keeps alt text', () => {
		const fields = newShapeFields({ type: 'sticky', x: 0, y: 0, z: 'a0', author, now: 0, text: 'Ideas', alt: 'A yellow note' });
		expect(fields).toMatchObject({ type: 'sticky', text: 'Ideas', alt: 'A yellow note', fill: DEFAULT_COLOUR.tint, w: 180, h: 180 });
	});

	it('keeps box sizes positive but lets an arrow point any way', () => {
		expect(newShapeFields({ type: 'ellipse', x: 0, y: 0, w: -50, h: 0, z: 'a0', author, now: 0 })).toMatchObject({ w: 50, h: 1 });
		expect(newShapeFields({ type: 'arrow', x: 0, y: 0, w: -50, h: 30, z: 'a0', author, now: 0 })).toMatchObject({ w: -50, h: 30 });
	});

	it('caps text and alt lengths', () => {
		const fields = newShapeFields({ type: 'text', x: 0, y: 0, z: 'a0', author, now: 0, text: 'x'.repeat(TEXT_MAX + 10), alt: 'y'.repeat(ALT_MAX + 10) });
		expect(fields.text).toHaveLength(TEXT_MAX);
		expect(fields.alt).toHaveLength(ALT_MAX);
	});
});

describe('penFields', () => {
	it('stores the input points flat, relative to the box corner, and the box is their extent', () => {
		const fields = penFields({ points: [100, 50, 110.04, 70, 130, 60], z: 'a0', author, now: 0 });
		expect(fields).toMatchObject({ type: 'pen', x: 100, y: 50, w: 30, h: 20, fill: 'none', strokeWidth: 6 });
		expect(fields.points).toEqual([0, 0, 10, 20, 30, 10]);
	});

	it('drops an odd trailing number and thins very long strokes, keeping the last point', () => {
		expect(penFields({ points: [0, 0, 5, 5, 9], z: 'a0', author, now: 0 }).points).toEqual([0, 0, 5, 5]);
		const long = Array.from({ length: (POINTS_MAX + 500) * 2 }, (_, i) => i);
		const thinned = penFields({ points: long, z: 'a0', author, now: 0 }).points!;
		expect(thinned.length).toBe(POINTS_MAX * 2);
		// Relative to the box corner (0, 1).
		expect(thinned.slice(-2)).toEqual([long.length - 2, long.length - 2]);
	});
});

describe('readShape', () => {
	it('reads back what newShapeFields wrote, from a Y.Map inside the shapes map', () => {
		const doc = new Y.Doc();
		const entry = new Y.Map<unknown>();
		const fields = newShapeFields({ type: 'sticky', x: 5, y: 6, z: 'a0', author, now: 42, text: 'Hola', alt: 'note' });
		for (const [k, v] of Object.entries(fields)) entry.set(k, v);
		doc.getMap('shapes').set('s1', entry);
		expect(readShape('s1', doc.getMap('shapes').get('s1') as Y.Map<unknown>)).toEqual({ id: 's1', ...fields });
	});

	it('ignores unknown types', () => {
		expect(readShape('x', record({ type: 'hexagon' }))).toBeNull();
		expect(readShape('x', record({}))).toBeNull();
	});

	it('clamps coordinates to the canvas limits', () => {
		expect(readShape('x', record({ type: 'rect', x: -1e12, y: 1e12 }))).toMatchObject({ x: -COORD_MAX, y: COORD_MAX });
	});

	it('makes anything a peer wrote drawable', () => {
		const shape = readShape(
			'x',
			record({ type: 'rect', x: 'ten', y: Number.NaN, w: -40, h: Infinity, stroke: 'javascript:alert(1)', fill: 12, z: 'bad key!', authorId: 7, strokeWidth: 1e9, text: 'no text on rects' })
		)!;
		expect(shape).toMatchObject({ x: 0, y: 0, w: 40, h: 100, stroke: DEFAULT_COLOUR.ink, fill: 'none', z: 'a0', authorId: '', authorName: '', strokeWidth: 64 });
		expect(shape.text).toBeUndefined();
	});

	it('keeps only well-formed pen points and safe image sources', () => {
		expect(readShape('p', record({ type: 'pen', points: [1, 2, 'x', 4, 5, 6, 7] }))!.points).toEqual([1, 2, 5, 6]);
		expect(readShape('p', record({ type: 'pen', points: 'nope' }))!.points).toEqual([]);
		expect(readShape('i', record({ type: 'image', src: 'data:image/png;base64,AAAA' }))!.src).toBe('data:image/png;base64,AAAA');
		expect(readShape('i', record({ type: 'image', src: 'javascript:alert(1)' }))!.src).toBeUndefined();
		expect(readShape('i', record({ type: 'image', src: 'data:image/svg+xml;base64,AAAA' }))!.src).toBeUndefined();
	});
});

describe('bounds', () => {
	it('normalises an arrow pointing up and left', () => {
		expect(bounds({ x: 100, y: 100, w: -30, h: -40 })).toEqual({ x: 70, y: 60, w: 30, h: 40 });
	});

	it('covers every shape and its stroke', () => {
		expect(unionBounds([])).toBeNull();
		expect(
			unionBounds([
				{ x: 0, y: 0, w: 10, h: 10, strokeWidth: 2 },
				{ x: 50, y: 20, w: -20, h: 5, strokeWidth: 0 }
			])
		).toEqual({ x: -2, y: -2, w: 53, h: 28 });
	});
});

describe('penPath', () => {
	const stroke = penFields({ points: [0, 0, 20, 10, 40, 0, 60, 10], z: 'a0', author, now: 0 });
	const extent = (d: string) => {
		const xs = [...d.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0])).filter((_, i) => i % 2 === 0);
		return Math.max(...xs) - Math.min(...xs);
	};

	it('is a closed SVG path made by perfect-freehand', () => {
		const d = penPath({ ...stroke, x: 100, y: 100 });
		expect(d).toMatch(/^M[\d.]+ [\d.]+Q.*Z$/);
		expect(penPath({ ...stroke, points: [] })).toBe('');
	});

	it('scales to a resized box', () => {
		expect(extent(penPath({ ...stroke, w: 120 }))).toBeGreaterThan(extent(penPath(stroke)) * 1.7);
	});
});
