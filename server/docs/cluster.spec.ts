import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { aheadOf, decodeFrame, decodeTracked, encodeFrame, encodeStoredFrame, encodeTracked, Frame, isEmptyUpdate } from './cluster';

describe('frames on a document’s channel between processes', () => {
	it('carry their kind and body unchanged', () => {
		const body = Uint8Array.from([1, 2, 3, 250]);
		for (const kind of Object.values(Frame)) {
			const decoded = decodeFrame(encodeFrame(kind, body));
			expect(decoded?.kind).toBe(kind);
			expect([...decoded!.body]).toEqual([...body]);
		}
	});

	it('a tracked update carries its number, its author (or none) and the update itself; Stored carries a number', () => {
		const update = Uint8Array.from([0, 7, 1, 2, 3]);
		const frame = decodeFrame(encodeTracked(300, 'a7f1c2de-0000-4000-8000-000000000001', update))!;
		expect(frame.kind).toBe(Frame.Tracked);
		const tracked = decodeTracked(frame.body);
		expect(tracked).toMatchObject({ seq: 300, authorId: 'a7f1c2de-0000-4000-8000-000000000001' });
		expect([...tracked.update]).toEqual([...update]);
		expect(decodeTracked(decodeFrame(encodeTracked(1, null, update))!.body).authorId).toBeNull();
		const stored = decodeFrame(encodeStoredFrame(70_000))!;
		expect(stored.kind).toBe(Frame.Stored);
		expect(stored.body.byteLength).toBeGreaterThan(1);
	});

	it('an unknown kind or an empty frame is not a frame', () => {
		expect(decodeFrame(Uint8Array.from([9, 1]))).toBeNull();
		expect(decodeFrame(new Uint8Array(0))).toBeNull();
	});
});

describe('aheadOf', () => {
	it('is true only when the state vector counts content the document lacks', () => {
		const mine = new Y.Doc();
		mine.getText('t').insert(0, 'shared');
		const theirs = new Y.Doc();
		Y.applyUpdate(theirs, Y.encodeStateAsUpdate(mine));
		expect(aheadOf(Y.encodeStateVector(theirs), mine)).toBe(false);
		theirs.getText('t').insert(0, 'more ');
		expect(aheadOf(Y.encodeStateVector(theirs), mine)).toBe(true);
		// Behind is not ahead.
		expect(aheadOf(Y.encodeStateVector(new Y.Doc()), mine)).toBe(false);
	});
});

describe('isEmptyUpdate', () => {
	it('a diff against an equal state without deletions is empty; one with deletions is not', () => {
		const doc = new Y.Doc();
		doc.getText('t').insert(0, 'ab');
		expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)))).toBe(true);
		doc.getText('t').delete(0, 1);
		expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)))).toBe(false);
	});
});
