export interface BackoffOptions {
	/** Delay before the first retry, before jitter, in ms. */
	baseMs: number;
	/** Ceiling of the exponential delay, in ms. */
	maxMs: number;
	/** A Retry-After longer than this is not waited for: the request fails instead. */
	maxRetryAfterMs: number;
	/** A number in [0, 1); Math.random unless a test pins it. */
	random?: () => number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first retry): exponential, capped, with jitter
 * over its upper half so that many clients failing together do not retry together. A translator that said
 * how long to wait (Retry-After) is never retried sooner; null when it asks for longer than we will wait.
 */
export function retryDelay({ attempt, retryAfterMs }: { attempt: number; retryAfterMs?: number }, options: BackoffOptions): number | null {
	const random = options.random ?? Math.random;
	const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt));
	const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
	if (retryAfterMs === undefined) return jittered;
	if (retryAfterMs > options.maxRetryAfterMs) return null;
	return Math.max(retryAfterMs, jittered);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
	const at = Date.parse(trimmed);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
