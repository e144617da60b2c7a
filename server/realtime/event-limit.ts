import type { ClientToServerEvents } from '../../src/lib/protocol/events';
import { take, type Bucket, type BucketLimits } from '../chat/rate-limit';

/**
 * What one connection may ask of the server over time, whatever the event: a token bucket per connection,
 * with the events that make the server read the database or ask the translator costing more. Chat sends and
 * edits cost nothing here: they have their own limit per person and space (server/chat/rate-limit.ts,
 * CHAT_SEND_BURST / CHAT_SEND_PER_SECOND), which a program may set higher than this.
 */
export const EVENT_LIMITS: BucketLimits = { burst: 60, perSecond: 20 };

const COSTS: Partial<Record<keyof ClientToServerEvents, number>> = {
	'chat:send': 0,
	'chat:edit': 0,
	'space:join': 5,
	'chat:history': 5,
	'chat:translate': 3
};

export function eventCost(event: string): number {
	return COSTS[event as keyof ClientToServerEvents] ?? 1;
}

/** One connection's bucket: `take(event)` answers whether the event may run now, or in how many seconds. */
export function createEventLimiter(limits: BucketLimits = EVENT_LIMITS, clock: () => number = Date.now) {
	let bucket: Bucket | undefined;
	return {
		take(event: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
			const result = take({ bucket, limits, now: clock(), cost: Math.min(eventCost(event), limits.burst) });
			bucket = result.bucket;
			return result.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
		}
	};
}
