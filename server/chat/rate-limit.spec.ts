import { describe, expect, it } from 'vitest';
import { createRateLimiter, isFull, refill, take, type Bucket } from './rate-limit';

const limits = { burst: 10, perSecond: 2 };

function takeMany(n: number, start: Bucket | undefined, now: number) {
	let bucket = start;
	const allowed: boolean[] = [];
	for (let i = 0; i < n; i++) {
		const r = take({ bucket, limits, now });
		allowed.push(r.allowed);
		bucket = r.bucket;
	}
	return { allowed, bucket };
}

describe('send token bucket', () => {
	it('a new sender may send the whole burst at once, and not one more', () => {
		const { allowed } = takeMany(11, undefined, 0);
		expect(allowed.slice(0, 10).every(Boolean)).toBe(true);
		expect(allowed[10]).toBe(false);
	});

	it('a refusal says how long until the next token: half a second at 2/s from empty', () => {
		const { bucket } = takeMany(10, undefined, 0);
		const r = take({ bucket, limits, now: 0 });
		expect(r).toMatchObject({ allowed: false, retryAfterMs: 500 });
		const later = take({ bucket, limits, now: 300 });
		expect(later).toMatchObject({ allowed: false, retryAfterMs: 200 });
	});

	it('refills at the sustained rate and never beyond the burst', () => {
		const { bucket } = takeMany(10, undefined, 0);
		expect(refill(bucket, limits, 1_000).tokens).toBeCloseTo(2);
		expect(refill(bucket, limits, 60_000).tokens).toBe(10);
		expect(isFull(bucket!, limits, 4_999)).toBe(false);
		expect(isFull(bucket!, limits, 5_000)).toBe(true);
	});

	it('a steady sender at the sustained rate is never refused after the burst', () => {
		let { bucket } = takeMany(10, undefined, 0);
		for (let t = 500; t <= 20_000; t += 500) {
			const r = take({ bucket, limits, now: t });
			expect(r.allowed, `at ${t} ms`).toBe(true);
			bucket = r.bucket;
		}
	});

	it('refused attempts cost nothing', () => {
		const { bucket } = takeMany(10, undefined, 0);
		const { bucket: after } = takeMany(50, bucket, 100);
		expect(take({ bucket: after, limits, now: 500 }).allowed).toBe(true);
	});

	it('a clock that goes backwards does not mint tokens', () => {
		const { bucket } = takeMany(10, undefined, 1_000);
		expect(take({ bucket, limits, now: 0 }).allowed).toBe(false);
	});

	it('the limiter keeps one bucket per key and reports whole seconds to wait', () => {
		let now = 0;
		const limiter = createRateLimiter({ burst: 2, perSecond: 0.25 }, () => now);
		expect(limiter.take('a:space1')).toEqual({ allowed: true });
		expect(limiter.take('a:space1')).toEqual({ allowed: true });
		expect(limiter.take('a:space1')).toEqual({ allowed: false, retryAfterSeconds: 4 });
		expect(limiter.take('a:space2')).toEqual({ allowed: true });
		expect(limiter.take('b:space1')).toEqual({ allowed: true });
		now = 4_000;
		expect(limiter.take('a:space1')).toEqual({ allowed: true });
	});

	it('forgets full buckets when it sweeps', () => {
		let now = 0;
		const limiter = createRateLimiter(limits, () => now);
		limiter.take('a');
		limiter.take('b');
		expect(limiter.size).toBe(2);
		now = 61_000;
		limiter.take('c');
		expect(limiter.size).toBe(1);
	});
});
