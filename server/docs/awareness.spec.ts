import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { sanitizeAwareness, type AwarenessPolicy } from './awareness';

function updateFor(states: Record<number, unknown>): Uint8Array {
	const doc = new Y.Doc();
	const awareness = new awarenessProtocol.Awareness(doc);
	for (const [id, state] of Object.entries(states)) awareness.states.set(Number(id), state as Record<string, unknown>);
	for (const id of Object.keys(states)) awareness.meta.set(Number(id), { clock: 1, lastUpdated: Date.now() });
	const update = awarenessProtocol.encodeAwarenessUpdate(awareness, Object.keys(states).map(Number));
	awareness.destroy();
	return update;
}

function apply(update: Uint8Array | null): Map<number, Record<string, unknown>> {
	const doc = new Y.Doc();
	const awareness = new awarenessProtocol.Awareness(doc);
	if (update) awarenessProtocol.applyAwarenessUpdate(awareness, update, null);
	const states = new Map(awareness.getStates());
	states.delete(doc.clientID);
	awareness.destroy();
	return states;
}

const policy = (over: Partial<AwarenessPolicy> = {}): AwarenessPolicy => ({
	identity: { id: 'u-1', name: 'Amal' },
	mayUse: () => true,
	maxIds: 2,
	owned: new Set(),
	maxStateChars: 1000,
	...over
});

describe('sanitizeAwareness', () => {
	it('stamps the speaker over whatever name the client claimed, keeping its colour and cursor', () => {
		const out = apply(sanitizeAwareness(updateFor({ 7: { user: { name: 'Moderator', color: '#123456' }, cursor: { x: 1, y: 2 } } }), policy()));
		expect(out.get(7)).toEqual({ user: { name: 'Amal', id: 'u-1', color: '#123456' }, cursor: { x: 1, y: 2 } });
	});

	it('keeps only presence: fields awareness could carry words in are dropped, however they are dressed', () => {
		const update = updateFor({
			7: {
				user: { name: 'Amal', color: 'call me on 555 0100', bio: 'whatsapp +44 7700 900123' },
				note: 'my number is 555 0100',
				cursor: { x: 'text', y: 2, label: 'hi' }
			}
		});
		expect(apply(sanitizeAwareness(update, policy())).get(7)).toEqual({ user: { name: 'Amal', id: 'u-1' } });
	});

	it("keeps a text caret's relative positions, rebuilt from their known fields; a made-up root name drops it", () => {
		const caret = { anchor: { item: { client: 5, clock: 12 }, assoc: 0, extra: 'x' }, head: { tname: 'default', assoc: -1 } };
		const out = apply(sanitizeAwareness(updateFor({ 7: { user: {}, cursor: caret } }), policy()));
		expect(out.get(7)?.cursor).toEqual({ anchor: { item: { client: 5, clock: 12 }, assoc: 0 }, head: { tname: 'default', assoc: -1 } });
		const smuggled = { anchor: { tname: 'text me at 555 0100', assoc: 0 }, head: { tname: 'default' } };
		expect(apply(sanitizeAwareness(updateFor({ 7: { user: {}, cursor: smuggled } }), policy())).get(7)).not.toHaveProperty('cursor');
	});

	it('keeps a caret made of Y.RelativePosition objects as the Tiptap caret plugin stores them (null fields included)', () => {
		const doc = new Y.Doc();
		const text = doc.getXmlFragment('default');
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText('hello')]);
		text.insert(0, [p]);
		const anchor = Y.createRelativePositionFromTypeIndex(p.get(0) as Y.XmlText, 2);
		const head = Y.createRelativePositionFromTypeIndex(text, 1);
		const cursor = JSON.parse(JSON.stringify({ anchor, head })) as Record<string, unknown>;
		const out = apply(sanitizeAwareness(updateFor({ 7: { user: {}, cursor } }), policy()));
		expect(out.get(7)?.cursor).toEqual(cursor);
	});

	it('shows the presence of someone who may not write, without their pointer', () => {
		const out = apply(sanitizeAwareness(updateFor({ 7: { user: { color: '#123456' }, cursor: { x: 1, y: 2 } } }), policy({ mayPoint: false })));
		expect(out.get(7)).toEqual({ user: { name: 'Amal', id: 'u-1', color: '#123456' } });
	});

	it('drops states for ids another person owns, beyond the quota, or too large', () => {
		const big = { user: {}, blob: 'x'.repeat(2000) };
		const update = updateFor({ 1: { a: 1 }, 2: { b: 2 }, 3: { c: 3 }, 4: big });
		const out = apply(sanitizeAwareness(update, policy({ mayUse: (id) => id !== 1, maxIds: 1 })));
		expect([...out.keys()]).toEqual([2]);
	});

	it('answers null when nothing is left', () => {
		expect(sanitizeAwareness(updateFor({ 1: { a: 1 } }), policy({ mayUse: () => false }))).toBeNull();
	});
});
