import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './breaker';

function setup({ failureThreshold = 3, cooldownMs = 1000 } = {}) {
	let now = 0;
	const moves: string[] = [];
	const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => now }, (to: BreakerState, from: BreakerState) => moves.push(`${from}->${to}`));
	const fail = () => breaker.failure(breaker.acquire()!);
	return { breaker, moves, fail, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
	it('stays closed below the threshold, and a success resets the count', () => {
		const { breaker, fail } = setup();
		fail();
		fail();
		breaker.success(breaker.acquire()!);
		fail();
		fail();
		expect(breaker.state).toBe('closed');
		expect(breaker.acquire()).not.toBeNull();
	});

	it('opens after N consecutive failures and then refuses at once', () => {
		const { breaker, moves, fail } = setup();
		fail();
		fail();
		fail();
		expect(breaker.state).toBe('open');
		expect(moves).toEqual(['closed->open']);
		expect(breaker.acquire()).toBeNull();
		expect(breaker.retryInMs).toBe(1000);
	});

	it('after the cooldown lets exactly one probe through', () => {
		const { breaker, moves, fail, advance } = setup();
		for (let i = 0; i < 3; i++) fail();
		advance(999);
		expect(breaker.acquire()).toBeNull();
		advance(1);
		const probe = breaker.acquire();
		expect(probe).not.toBeNull();
		expect(breaker.state).toBe('half_open');
		expect(breaker.acquire()).toBeNull();
		expect(moves).toEqual(['closed->open', 'open->half_open']);
	});

	it('a successful probe closes it', () => {
		const { breaker, moves, fail, advance } = setup();
		for (let i = 0; i < 3; i++) fail();
		advance(1000);
		breaker.success(breaker.acquire()!);
		expect(breaker.state).toBe('closed');
		expect(moves.at(-1)).toBe('half_open->closed');
		expect(breaker.acquire()).not.toBeNull();
	});

	it('a failed probe opens it for a fresh cooldown', () => {
		const { breaker, moves, fail, advance } = setup();
		for (let i = 0; i < 3; i++) fail();
		advance(1000);
		breaker.failure(breaker.acquire()!);
		expect(breaker.state).toBe('open');
		expect(moves.at(-1)).toBe('half_open->open');
		advance(999);
		expect(breaker.acquire()).toBeNull();
		advance(1);
		expect(breaker.acquire()).not.toBeNull();
	});

	it('ignores outcomes of requests that started before the last transition', () => {
		const { breaker, fail, advance } = setup({ failureThreshold: 1 });
		const slow = breaker.acquire()!;
		fail();
		expect(breaker.state).toBe('open');
		breaker.success(slow);
		expect(breaker.state).toBe('open');
		advance(1000);
		const probe = breaker.acquire()!;
		breaker.failure(slow);
		expect(breaker.state).toBe('half_open');
		breaker.success(probe);
		expect(breaker.state).toBe('closed');
		breaker.failure(probe);
		expect(breaker.state).toBe('closed');
	});

	it('a threshold of one opens on the first failure', () => {
		const { breaker, fail } = setup({ failureThreshold: 1 });
		fail();
		expect(breaker.state).toBe('open');
	});
});
