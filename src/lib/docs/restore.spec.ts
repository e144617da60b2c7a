import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CANVAS_SHAPES, TEXT_FRAGMENT } from '$lib/protocol/docs';
import { restoreVersion, sameContent, versionDoc } from './restore';

const ORIGIN = Symbol('restore-test');

/** A paragraph, a bold word and a two-item list, the way Tiptap stores them. */
function writeText(doc: Y.Doc, words: string[]): void {
	const fragment = doc.getXmlFragment(TEXT_FRAGMENT);
	const heading = new Y.XmlElement('heading');
	heading.setAttribute('level', '2' as never);
	heading.insert(0, [new Y.XmlText(words[0])]);
	const paragraph = new Y.XmlElement('paragraph');
	const text = new Y.XmlText();
	paragraph.insert(0, [text]);
	const list = new Y.XmlElement('bulletList');
	list.insert(
		0,
		words.slice(2).map((word) => {
			const item = new Y.XmlElement('listItem');
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(word)]);
			item.insert(0, [p]);
			return item;
		})
	);
	fragment.insert(fragment.length, [heading, paragraph, list]);
	text.insert(0, words[1] ?? '', { bold: {} });
}

function sync(from: Y.Doc, to: Y.Doc): void {
	Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

function shape(fields: Record<string, unknown>): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(fields)) map.set(key, value);
	return map;
}

describe('restoreVersion on a text document', () => {
	it('makes the live fragment equal to the version, formatting and nesting included', () => {
		const live = new Y.Doc();
		writeText(live, ['Plan', 'draft', 'one', 'two']);
		const version = new Y.Doc();
		Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
		live.getXmlFragment(TEXT_FRAGMENT).delete(0, 1);
		writeText(live, ['Later', 'changed', 'three']);
		expect(live.getXmlFragment(TEXT_FRAGMENT).toString()).not.toBe(version.getXmlFragment(TEXT_FRAGMENT).toString());

		expect(restoreVersion({ live, version, kind: 'text', origin: ORIGIN })).toBe(true);
		expect(live.getXmlFragment(TEXT_FRAGMENT).toString()).toBe(version.getXmlFragment(TEXT_FRAGMENT).toString());
		expect(live.getXmlFragment(TEXT_FRAGMENT).toString()).toContain('<bold>draft</bold>');
	});

	it('is one update that reaches another replica like any edit', () => {
		const live = new Y.Doc();
		const peer = new Y.Doc();
		writeText(live, ['Old', 'text']);
		const version = new Y.Doc();
		Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
		writeText(live, ['New', 'words']);
		sync(live, peer);

		const updates: Uint8Array[] = [];
		live.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === ORIGIN) updates.push(update);
		});
		restoreVersion({ live, version, kind: 'text', origin: ORIGIN });
		expect(updates).toHaveLength(1);
		Y.applyUpdate(peer, updates[0]!);
		expect(peer.getXmlFragment(TEXT_FRAGMENT).toString()).toBe(version.getXmlFragment(TEXT_FRAGMENT).toString());
	});

	it('is undone in one step by an undo manager that tracks its origin, and redone', () => {
		const live = new Y.Doc();
		writeText(live, ['Version', 'one']);
		const version = new Y.Doc();
		Y.applyUpdate(version, Y.encodeStateAsUpdate(live));
		live.getXmlFragment(TEXT_FRAGMENT).delete(0, live.getXmlFragment(TEXT_FRAGMENT).length);
		writeText(live, ['Current', 'text', 'a', 'b']);
		const before = live.getXmlFragment(TEXT_FRAGMENT).toString();

		const undo = new Y.UndoManager(live.getXmlFragment(TEXT_FRAGMENT), { trackedOrigins: new Set([ORIGIN]) });
		restoreVersion({ live, version, kind: 'text', origin: ORIGIN });
		expect(undo.undoStack).toHaveLength(1);
		undo.undo();
		expect(live.getXmlFragment(TEXT_FRAGMENT).toString()).toBe(before);
		undo.redo();
		expect(live.getXmlFragment(TEXT_FRAGMENT).toString()).toBe(version.getXmlFragment(TEXT_FRAGMENT).toString());
	});

	it('changes nothing when the document already equals the version', () => {
		const live = new Y.Doc();
		writeText(live, ['Same', 'text']);
		const version = versionDoc(Buffer.from(Y.encodeStateAsUpdate(live)).toString('base64'));
		let updates = 0;
		live.on('update', () => updates++);
		expect(sameContent({ live, version, kind: 'text' })).toBe(true);
		expect(restoreVersion({ live, version, kind: 'text', origin: ORIGIN })).toBe(false);
		expect(updates).toBe(0);
	});

	it('restores an empty version by emptying the document', () => {
		const live = new Y.Doc();
		writeText(live, ['Something']);
		restoreVersion({ live, version: new Y.Doc(), kind: 'text', origin: ORIGIN });
		expect(live.getXmlFragment(TEXT_FRAGMENT).length).toBe(0);
	});
});

describe('restoreVersion on a canvas', () => {
	function canvasPair() {
		const live = new Y.Doc();
		const shapes = live.getMap<Y.Map<unknown>>(CANVAS_SHAPES);
		shapes.set('kept', shape({ type: 'rect', x: 10, y: 20, color: '#1f5f5b' }));
		shapes.set('deleted-since', shape({ type: 'note', x: 0, y: 0, text: 'Hello' }));
		const version = versionDoc(Buffer.from(Y.encodeStateAsUpdate(live)).toString('base64'));
		// After the version: one shape moved, one deleted, one added.
		shapes.get('kept')!.set('x', 300);
		shapes.get('kept')!.set('label', 'moved');
		shapes.delete('deleted-since');
		shapes.set('added-since', shape({ type: 'ellipse', x: 5, y: 5 }));
		return { live, shapes, version };
	}

	it('makes the shapes map equal to the version, keeping the identity of shapes present in both', () => {
		const { live, shapes, version } = canvasPair();
		const kept = shapes.get('kept');
		expect(sameContent({ live, version, kind: 'canvas' })).toBe(false);
		expect(restoreVersion({ live, version, kind: 'canvas', origin: ORIGIN })).toBe(true);
		expect(shapes.toJSON()).toEqual(version.getMap(CANVAS_SHAPES).toJSON());
		expect(shapes.get('kept')).toBe(kept);
		expect(shapes.has('added-since')).toBe(false);
		expect(shapes.get('deleted-since')?.get('text')).toBe('Hello');
		expect(sameContent({ live, version, kind: 'canvas' })).toBe(true);
	});

	it('is undone in one step and reaches a peer', () => {
		const { live, shapes, version } = canvasPair();
		const peer = new Y.Doc();
		sync(live, peer);
		const before = shapes.toJSON();
		const undo = new Y.UndoManager(shapes, { trackedOrigins: new Set([ORIGIN]) });
		restoreVersion({ live, version, kind: 'canvas', origin: ORIGIN });
		sync(live, peer);
		expect(peer.getMap(CANVAS_SHAPES).toJSON()).toEqual(version.getMap(CANVAS_SHAPES).toJSON());
		expect(undo.undoStack).toHaveLength(1);
		undo.undo();
		expect(shapes.toJSON()).toEqual(before);
	});

	it('copies nested shared types (a stroke\'s points) as clones', () => {
		const source = new Y.Doc();
		const stroke = shape({ type: 'pen' });
		const points = new Y.Array<number>();
		points.push([1, 2, 3, 4]);
		stroke.set('points', points);
		source.getMap(CANVAS_SHAPES).set('s1', stroke);
		const version = versionDoc(Buffer.from(Y.encodeStateAsUpdate(source)).toString('base64'));
		const live = new Y.Doc();
		restoreVersion({ live, version, kind: 'canvas', origin: ORIGIN });
		expect(live.getMap(CANVAS_SHAPES).toJSON()).toEqual({ s1: { type: 'pen', points: [1, 2, 3, 4] } });
		expect(restoreVersion({ live, version, kind: 'canvas', origin: ORIGIN })).toBe(false);
	});
});
