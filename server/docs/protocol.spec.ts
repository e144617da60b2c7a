import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { CANVAS_SHAPES } from '../../src/lib/protocol/docs';
import { encodeAwareness, parseClientMessage, ProtocolError } from './protocol';

function syncFrame(write: (e: encoding.Encoder) => void): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	write(e);
	return encoding.toUint8Array(e);
}

function textUpdate(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return Y.encodeStateAsUpdate(doc);
}

describe('parseClientMessage', () => {
	it('reads what the stock y-protocols client writes', () => {
		const doc = new Y.Doc();
		doc.getText('t').insert(0, 'hello');
		expect(parseClientMessage(syncFrame((e) => syncProtocol.writeSyncStep1(e, doc))).type).toBe('sync-step-1');
		const step2 = parseClientMessage(syncFrame((e) => syncProtocol.writeSyncStep2(e, doc)));
		expect(step2).toMatchObject({ type: 'update', step2: true, stats: { chars: 5, shapes: 0 } });
		const update = parseClientMessage(syncFrame((e) => syncProtocol.writeUpdate(e, textUpdate('abc'))));
		expect(update).toMatchObject({ type: 'update', step2: false, stats: { chars: 3 } });
		const awareness = new awarenessProtocol.Awareness(doc);
		awareness.setLocalState({ user: { name: 'Ana' } });
		expect(parseClientMessage(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]))).type).toBe('awareness');
		awareness.destroy();
		expect(parseClientMessage(new Uint8Array([3])).type).toBe('query-awareness');
	});

	it('refuses every cut of a valid update frame', () => {
		const frame = syncFrame((e) => syncProtocol.writeUpdate(e, textUpdate('a longer piece of text with ünïcödé')));
		for (let n = 0; n < frame.length; n++) {
			expect(() => parseClientMessage(frame.subarray(0, n)), `cut at ${n}`).toThrow(ProtocolError);
		}
	});

	it('refuses unknown types, trailing bytes, huge varints and length prefixes beyond the frame', () => {
		const bad = [
			new Uint8Array([7]),
			new Uint8Array([0, 9, 0]),
			new Uint8Array([3, 0]),
			new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
			new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]),
			new Uint8Array([1, 5, 1, 1, 1, 1, 1]),
			new Uint8Array([])
		];
		for (const frame of bad) expect(() => parseClientMessage(frame), String(frame)).toThrow(ProtocolError);
	});

	it('counts shapes set at the top of the canvas map, not edits inside a shape', () => {
		const doc = new Y.Doc();
		const shapes = doc.getMap<Y.Map<unknown>>(CANVAS_SHAPES);
		const before = Y.encodeStateVector(doc);
		const rect = new Y.Map<unknown>();
		shapes.set('s1', rect);
		rect.set('type', 'rect');
		const sticky = new Y.Map<unknown>();
		shapes.set('s2', sticky);
		sticky.set('text', 'hi');
		const added = parseClientMessage(syncFrame((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before))));
		expect(added).toMatchObject({ stats: { shapes: 2, chars: 2 } });
		const sv = Y.encodeStateVector(doc);
		rect.set('x', 10);
		const moved = parseClientMessage(syncFrame((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, sv))));
		expect(moved).toMatchObject({ stats: { shapes: 0 } });
	});

	it('refuses an update that lists one client twice (Yjs would park it as pending for ever)', () => {
		const doc = new Y.Doc();
		doc.getText('t').insert(0, 'hello');
		const first = Y.encodeStateAsUpdate(doc);
		const sv = Y.encodeStateVector(doc);
		doc.getText('t').insert(5, ' world');
		const second = Y.encodeStateAsUpdate(doc, sv);
		// Both encode one client and an empty delete set: [1, ...run, 0]. Splice the two runs into one update.
		expect([first[0], first.at(-1), second[0], second.at(-1)]).toEqual([1, 0, 1, 0]);
		const twice = new Uint8Array([2, ...first.subarray(1, -1), ...second.subarray(1, -1), 0]);
		expect(() => Y.decodeUpdate(twice)).not.toThrow();
		const frame = syncFrame((e) => syncProtocol.writeUpdate(e, twice));
		expect(() => parseClientMessage(frame)).toThrow(/client listed twice/);
	});
});
