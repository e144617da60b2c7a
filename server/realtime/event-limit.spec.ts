import { describe, expect, it } from 'vitest';
import { createEventLimiter, eventCost } from './event-limit';

describe('per-connection event limit', () => {
	it('lets a burst through, then refuses until tokens come back, saying when', () => {
		let now = 0;
		const limiter = createEventLimiter({ burst: 3, perSecond: 1 }, () => now);
		expect([1, 2, 3].map(() => limiter.take('chat:typing').allowed)).toEqual([true, true, true]);
		expect(limiter.take('chat:typing')).toEqual({ allowed: false, retryAfterSeconds: 1 });
		now = 1000;
		expect(limiter.take('chat:typing').allowed).toBe(true);
	});

	it('charges more for events that read the database or ask the translator', () => {
		expect(eventCost('chat:history')).toBeGreaterThan(eventCost('chat:typing'));
		expect(eventCost('chat:translate')).toBeGreaterThan(1);
		expect(eventCost('anything-else')).toBe(1);
		let now = 0;
		const limiter = createEventLimiter({ burst: 12, perSecond: 1 }, () => now);
		expect(limiter.take('chat:history').allowed).toBe(true);
		expect(limiter.take('chat:history').allowed).toBe(true);
		// Two tokens left, five needed: three seconds to wait.
		expect(limiter.take('chat:history')).toEqual({ allowed: false, retryAfterSeconds: 3 });
		// A refusal costs nothing: cheap events still get through.
		expect(limiter.take('chat:typing').allowed).toBe(true);
	});

	it('leaves chat sends and edits to the chat limit per person and space', () => {
		const limiter = createEventLimiter({ burst: 1, perSecond: 0.001 }, () => 0);
		for (let i = 0; i < 100; i++) expect(limiter.take('chat:send').allowed).toBe(true);
		expect(limiter.take('chat:edit').allowed).toBe(true);
	});
});
