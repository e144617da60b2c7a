import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** A token bucket's state: tokens left at `updatedAt` (ms since epoch). */
export interface Bucket {
	tokens: number;
	updatedAt: number;
}

export interface BucketLimits {
	/** Most tokens a bucket holds: sends allowed at once after a pause. */
	burst: number;
	/** Tokens added back per second: the sustained rate. */
	perSecond: number;
}

export type TakeResult = { allowed: true; bucket: Bucket } | { allowed: false; bucket: Bucket; retryAfterMs: number };

/** The bucket as it stands at `now`: refilled for the time elapsed, never above `burst`. */
export function refill(bucket: Bucket | undefined, { burst, perSecond }: BucketLimits, now: number): Bucket {
	if (!bucket) return { tokens: burst, updatedAt: now };
	const elapsed = Math.max(0, now - bucket.updatedAt);
	return { tokens: Math.min(burst, bucket.tokens + (elapsed * perSecond) / 1000), updatedAt: Math.max(now, bucket.updatedAt) };
}

/**
 * Takes `cost` tokens (one by default) if there are that many. A refusal leaves the bucket as it is (refused
 * requests cost nothing) and says how long until enough tokens are back.
 */
export function take({ bucket, limits, now, cost = 1 }: { bucket: Bucket | undefined; limits: BucketLimits; now: number; cost?: number }): TakeResult {
	const current = refill(bucket, limits, now);
	if (current.tokens >= cost) return { allowed: true, bucket: { tokens: current.tokens - cost, updatedAt: current.updatedAt } };
	return { allowed: false, bucket: current, retryAfterMs: Math.ceil(((cost - current.tokens) * 1000) / limits.perSecond) };
}

/** True when the bucket has refilled completely, so forgetting it changes nothing. */
export function isFull(bucket: Bucket, limits: BucketLimits, now: number): boolean {
	return refill(bucket, limits, now).tokens >= limits.burst;
}

/**
 * Buckets per key (here: person and space), in memory. Full buckets are forgotten now and then, so the map holds
 * only people who sent recently.
 */
export function createRateLimiter(limits: BucketLimits, clock: () => number = Date.now) {
	const buckets = new Map<string, Bucket>();
	let lastSweep = clock();

	function sweep(now: number) {
		if (now - lastSweep < 60_000 && buckets.size < 10_000) return;
		lastSweep = now;
		for (const [key, b] of buckets) if (isFull(b, limits, now)) buckets.delete(key);
	}

	return {
		/** Takes a token for `key`; when refused, the whole seconds to wait (at least 1). */
		take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
			const now = clock();
			sweep(now);
			const result = take({ bucket: buckets.get(key), limits, now });
			buckets.set(key, result.bucket);
			return result.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
		},
		get size(): number {
			return buckets.size;
		}
	};
}

/** Builds a limit shared by every process (`Scale['limiter']`). */
export type SharedLimiterFactory = (options: { keyPrefix: string; points: number; duration: number }) => RateLimiterAbstract;

/**
 * The same limits as `createRateLimiter`, counted in Redis so they hold across processes: rate-limiter-flexible's
 * fixed windows approximate the bucket — a sustained limit of `perSecond` (over a window of at least a second) and,
 * beyond it, a burst limiter holding the rest of `burst` that is back once a full bucket would have refilled. A
 * refused send counts against its window here (it costs nothing in the bucket); the window ends all the same.
 */
export function createSharedRateLimiter({ burst, perSecond }: BucketLimits, limiter: SharedLimiterFactory) {
	const window = Math.max(1, Math.ceil(1 / perSecond));
	const sustainedPoints = Math.max(1, Math.min(burst, Math.round(perSecond * window)));
	const sustained = limiter({ keyPrefix: 'chat_send', points: sustainedPoints, duration: window });
	const extra = burst - sustainedPoints;
	const limit =
		extra > 0 ? new BurstyRateLimiter(sustained, limiter({ keyPrefix: 'chat_send_burst', points: extra, duration: Math.max(window, Math.ceil(burst / perSecond)) })) : sustained;
	return {
		/** Takes a token for `key`; when refused, the whole seconds to wait (at least 1). */
		async take(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
			try {
				await limit.consume(key);
				return { allowed: true };
			} catch (e) {
				if (!(e instanceof RateLimiterRes)) throw e;
				return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
			}
		}
	};
}
