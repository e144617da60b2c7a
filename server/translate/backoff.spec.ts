import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from './backoff';

const options = { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 5000 };

describe('retryDelay', () => {
	it('doubles with each attempt and stays within the upper half of the step', () => {
		expect(retryDelay({ attempt: 0 }, { ...options, random: () => 0 })).toBe(50);
		expect(retryDelay({ attempt: 0 }, { ...options, random: () => 0.999999 })).toBe(100);
		expect(retryDelay({ attempt: 1 }, { ...options, random: () => 0 })).toBe(100);
		expect(retryDelay({ attempt: 2 }, { ...options, random: () => 0.5 })).toBe(300);
	});

	it('never exceeds the ceiling', () => {
		for (let attempt = 0; attempt < 40; attempt++) expect(retryDelay({ attempt }, { ...options, random: () => 0.999 })!).toBeLessThanOrEqual(1000);
	});

	it('waits at least as long as the translator asked', () => {
		expect(retryDelay({ attempt: 0, retryAfterMs: 2000 }, { ...options, random: () => 0 })).toBe(2000);
		expect(retryDelay({ attempt: 3, retryAfterMs: 10 }, { ...options, random: () => 0 })).toBe(400);
	});

	it('gives up when asked to wait longer than it will', () => {
		expect(retryDelay({ attempt: 0, retryAfterMs: 60_000 }, options)).toBeNull();
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		expect(parseRetryAfter('3')).toBe(3000);
		expect(parseRetryAfter(' 0 ')).toBe(0);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
	});

	it('is undefined when absent or unreadable', () => {
		expect(parseRetryAfter(null)).toBeUndefined();
		expect(parseRetryAfter('')).toBeUndefined();
		expect(parseRetryAfter('soon')).toBeUndefined();
	});
});
