import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { CANVAS_SHAPES } from '$lib/protocol/docs';
import { ShapeStore, type RemoteChange } from './shape-store';
import { newShapeFields, type ShapeType } from './shapes';

/** Two people's documents, kept in sync the way the relay would, synchronously. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
	return { a, b };
}

const amal = { id: 'amal', name: 'Amal' };
const lucia = { id: 'lucia', name: 'Lucía' };
const stores: ShapeStore[] = [];

function store(doc: Y.Doc, onRemoteChange?: (changes: RemoteChange[]) => void) {
	const s = new ShapeStore({ doc, onRemoteChange });
	stores.push(s);
	return s;
}

function fields(s: ShapeStore, type: ShapeType, author: { id: string; name: string }, extra: Record<string, unknown> = {}) {
	return { ...newShapeFields({ type, x: 10, y: 20, z: s.nextZ(), author, now: 1 }), ...extra };
}

afterEach(() => {
	for (const s of stores.splice(0)) s.destroy();
});

describe('ShapeStore', () => {
	it('stores each shape as a nested Y.Map in the shapes map, which the other side reads', () => {
		const { a, b } = pair();
		const changes: RemoteChange[][] = [];
		const sa = store(a);
		const sb = store(b, (c) => changes.push(c));
		const id = sa.add(fields(sa, 'sticky', amal, { text: 'Hola' }));

		const entry = b.getMap(CANVAS_SHAPES).get(id);
		expect(entry).toBeInstanceOf(Y.Map);
		expect((entry as Y.Map<unknown>).get('authorId')).toBe('amal');
		expect(sb.shapes.map((s) => [s.id, s.type, s.text, s.authorName])).toEqual([[id, 'sticky', 'Hola', 'Amal']]);
		expect(changes).toEqual([[{ kind: 'added', shape: sb.shape(id) }]]);
	});

	it('undoes only my own edits, never the other person’s', () => {
		const { a, b } = pair();
		const sa = store(a);
		const sb = store(b);
		const mine = sa.add(fields(sa, 'rect', amal));
		const theirs = sb.add(fields(sb, 'ellipse', lucia));
		sb.update(mine, { stroke: '#b42318' });

		expect(sa.undo()).toBe(true);
		expect(sa.shapes.map((s) => s.id)).toEqual([theirs]);
		expect(sb.shapes.map((s) => s.id)).toEqual([theirs]);
		expect(sa.undo()).toBe(false);
		expect(sa.canUndo).toBe(false);

		// Redo brings the shape back under its id; the other person's undo never touches it.
		expect(sa.redo()).toBe(true);
		expect(sb.shape(mine)?.type).toBe('rect');
		while (sb.undo());
		expect(sb.shape(theirs)).toBeUndefined();
		expect(sa.shape(mine)?.type).toBe('rect');
	});

	it('merges concurrent edits to different fields of one shape', () => {
		const { a, b } = pair();
		const sa = store(a);
		const sb = store(b);
		const id = sa.add(fields(sa, 'rect', amal));
		// Disconnected edits: apply each side's update afterwards.
		const offline = new Y.Doc();
		Y.applyUpdate(offline, Y.encodeStateAsUpdate(b));
		const so = store(offline);
		so.update(id, { fill: '#fde8e4' });
		sa.update(id, { x: 500 });
		// Back online: the relay hands the offline edits to both.
		const missed = Y.encodeStateAsUpdate(offline);
		Y.applyUpdate(a, missed, 'remote');
		Y.applyUpdate(b, missed, 'remote');
		expect(sa.shape(id)).toMatchObject({ x: 500, fill: '#fde8e4' });
		expect(sb.shape(id)).toMatchObject({ x: 500, fill: '#fde8e4' });
	});

	it('makes each gesture one undo step, and quick keyboard moves one step together', () => {
		const doc = new Y.Doc();
		const s = store(doc);
		const id = s.add(fields(s, 'rect', amal));
		s.update(id, { x: 100 });
		s.update(id, { x: 200 });
		s.undo();
		expect(s.shape(id)?.x).toBe(100);

		s.update(id, { x: 110 }, { merge: true });
		s.update(id, { x: 120 }, { merge: true });
		s.update(id, { x: 130 }, { merge: true });
		s.undo();
		expect(s.shape(id)?.x).toBe(100);
	});

	it('writes only fields that changed and removes a field set to undefined', () => {
		const doc = new Y.Doc();
		const s = store(doc);
		const id = s.add(fields(s, 'sticky', amal, { alt: 'old' }));
		let updates = 0;
		doc.on('update', () => updates++);
		s.update(id, { x: 10, y: 20 });
		expect(updates).toBe(0);
		s.update(id, { alt: undefined });
		expect(updates).toBe(1);
		expect((doc.getMap(CANVAS_SHAPES).get(id) as Y.Map<unknown>).has('alt')).toBe(false);
	});

	it('changes z-order with one field, and reports deletions to the other side', () => {
		const { a, b } = pair();
		const changes: RemoteChange[][] = [];
		const sa = store(a);
		const sb = store(b, (c) => changes.push(c));
		const first = sa.add(fields(sa, 'rect', amal));
		const second = sa.add(fields(sa, 'ellipse', amal));
		expect(sb.shapes.map((s) => s.id)).toEqual([first, second]);
		expect(sa.bringForward(first)).toBe(true);
		expect(sb.shapes.map((s) => s.id)).toEqual([second, first]);
		expect(sa.bringForward(first)).toBe(false);
		expect(sa.sendBackward(first)).toBe(true);
		expect(sb.shapes.map((s) => s.id)).toEqual([first, second]);

		sa.remove(second);
		expect(changes.at(-1)).toEqual([{ kind: 'deleted', shape: expect.objectContaining({ id: second, type: 'ellipse' }) }]);
	});

	it('keeps the same object for shapes that did not change', () => {
		const doc = new Y.Doc();
		const s = store(doc);
		const a = s.add(fields(s, 'rect', amal));
		const b = s.add(fields(s, 'ellipse', amal));
		const before = s.shape(a);
		s.update(b, { x: 99 });
		expect(s.shape(a)).toBe(before);
		expect(s.shape(b)?.x).toBe(99);
	});

	it('restores a saved version as one step that Undo takes back', () => {
		const doc = new Y.Doc();
		const s = store(doc);
		const kept = s.add(fields(s, 'rect', amal));
		const version = new Y.Doc();
		Y.applyUpdate(version, Y.encodeStateAsUpdate(doc));
		s.update(kept, { x: 400 });
		const later = s.add(fields(s, 'ellipse', amal));

		expect(s.restore(version)).toBe(true);
		expect(s.shapes.map((x) => [x.id, x.x])).toEqual([[kept, 10]]);
		expect(s.undo()).toBe(true);
		expect(s.shapes.map((x) => [x.id, x.x])).toEqual([
			[kept, 400],
			[later, 10]
		]);
	});

	it('skips entries another tool wrote that are not shapes', () => {
		const doc = new Y.Doc();
		const map = doc.getMap<unknown>(CANVAS_SHAPES);
		map.set('plain', { type: 'rect' });
		const odd = new Y.Map<unknown>();
		odd.set('type', 'hexagon');
		map.set('odd', odd);
		const s = store(doc);
		expect(s.shapes).toEqual([]);
		const id = s.add(fields(s, 'text', amal, { text: 'still works' }));
		expect(s.shapes.map((x) => x.id)).toEqual([id]);
	});
});
