import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import type { Bus } from '../scale';
import { languageRoom } from './languages';
import { createSharedLanguages } from './shared-languages';

/**
 * Processes joined by an in-memory hub with the bus's contract: a message reaches every other process, never its
 * sender, in order. Delivery is synchronous, so the specs need no waiting.
 */
function hub() {
	const nodes = new Map<string, { topics: Map<string, Set<(p: unknown, from: string) => void>>; resumed: Set<() => void> }>();
	const state = { losing: false };
	return {
		/** While true, every message is lost (Redis is away). */
		set losing(value: boolean) {
			state.losing = value;
		},
		bus(nodeId: string): Bus & { resume(): void } {
			const me = { topics: new Map<string, Set<(p: unknown, from: string) => void>>(), resumed: new Set<() => void>() };
			nodes.set(nodeId, me);
			return {
				async publish(topic, payload) {
					if (state.losing) return;
					const copy = JSON.parse(JSON.stringify(payload)) as unknown;
					for (const [id, n] of nodes) if (id !== nodeId) for (const h of n.topics.get(topic) ?? []) h(copy, nodeId);
				},
				on(topic, handler) {
					let set = me.topics.get(topic);
					if (!set) me.topics.set(topic, (set = new Set()));
					set.add(handler as (p: unknown, from: string) => void);
					return () => void set.delete(handler as (p: unknown, from: string) => void);
				},
				subscribe: async () => async () => {},
				publishBinary: () => {},
				settled: () => undefined,
				onResume(handler) {
					me.resumed.add(handler);
					return () => void me.resumed.delete(handler);
				},
				close: async () => void nodes.delete(nodeId),
				resume: () => me.resumed.forEach((h) => h())
			};
		}
	};
}

const logger = createLogger({ level: 'silent' });
const space = '9b2b6a52-8c55-4a43-9d4b-0f0f7a1f5c11';

describe('reading languages shared between processes', () => {
	const open: { close(): void }[] = [];
	afterEach(() => open.splice(0).forEach((s) => s.close()));
	const start = (bus: Bus | undefined, options: { ttlMs?: number } = {}) => {
		const s = createSharedLanguages({ bus, logger, ...options });
		open.push(s);
		return s;
	};

	it('a process knows the languages read on the others, and forgets one when its last reader there leaves', () => {
		const h = hub();
		const a = start(h.bus('a'));
		const b = start(h.bus('b'));
		a.roomCreated(languageRoom(space, 'fr'));
		b.roomCreated(languageRoom(space, 'es'));
		expect(a.targets(space).sort()).toEqual(['es', 'fr']);
		expect(b.targets(space).sort()).toEqual(['es', 'fr']);
		b.roomDeleted(languageRoom(space, 'es'));
		expect(a.targets(space)).toEqual(['fr']);
	});

	it('a process that starts later is sent the others’ lists when it says hello', () => {
		const h = hub();
		const a = start(h.bus('a'));
		a.roomCreated(languageRoom(space, 'de'));
		const late = start(h.bus('late'));
		expect(late.targets(space)).toEqual(['de']);
	});

	it('a process that closes is forgotten at once', () => {
		const h = hub();
		const a = start(h.bus('a'));
		const b = createSharedLanguages({ bus: h.bus('b'), logger });
		b.roomCreated(languageRoom(space, 'es'));
		expect(a.targets(space)).toEqual(['es']);
		b.close();
		expect(a.targets(space)).toEqual([]);
	});

	it('after a Redis outage a process sends its lists again and asks for everyone’s', () => {
		const h = hub();
		const busA = h.bus('a');
		const a = start(busA);
		const b = start(h.bus('b'));
		h.losing = true;
		b.roomCreated(languageRoom(space, 'sw'));
		a.roomCreated(languageRoom(space, 'ar'));
		expect(a.targets(space)).toEqual(['ar']);
		expect(b.targets(space)).toEqual(['sw']);
		h.losing = false;
		// Both processes hear that Redis is back; one is enough for both to know again.
		busA.resume();
		expect(a.targets(space).sort()).toEqual(['ar', 'sw']);
		expect(b.targets(space).sort()).toEqual(['ar', 'sw']);
	});

	it('with one process, only its own rooms count and nothing waits', () => {
		const one = start(undefined);
		one.roomCreated(languageRoom(space, 'es'));
		expect(one.targets(space)).toEqual(['es']);
		expect(one.settled(space)).toBeUndefined();
	});
});
