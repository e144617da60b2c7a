import { describe, expect, it } from 'vitest';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createRateLimiter, createSharedRateLimiter, isFull, refill, take, type Bucket } from './rate-limit';

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

describe('send limit shared between processes', () => {
	const memory = ({ keyPrefix, points, duration }: { keyPrefix: string; points: number; duration: number }) => new RateLimiterMemory({ keyPrefix, points, duration });

	for (const [burst, perSecond] of [
		[10, 2],
		[3, 0.2],
		[1, 5]
	] as const) {
		it(`lets exactly the burst through at once (burst ${burst}, ${perSecond}/s), then refuses with whole seconds to wait`, async () => {
			const limiter = createSharedRateLimiter({ burst, perSecond }, memory);
			const results = [];
			for (let i = 0; i < burst + 3; i++) results.push(await limiter.take('a:space1'));
			expect(results.filter((r) => r.allowed)).toHaveLength(burst);
			for (const r of results.slice(burst)) {
				expect(r.allowed).toBe(false);
				if (r.allowed) continue;
				expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
				expect(r.retryAfterSeconds).toBeLessThanOrEqual(Math.max(1, Math.ceil(1 / perSecond)));
			}
			expect(await limiter.take('a:space2')).toEqual({ allowed: true });
		});
	}
});
