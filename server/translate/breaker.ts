/**
 * A circuit breaker as a state machine with an injected clock and no timers, so it is tested without
 * waiting. Closed: everything goes through, and `failureThreshold` consecutive failures open it. Open:
 * nothing goes through until `cooldownMs` has passed; then it is half-open and lets exactly one probe
 * through, whose outcome closes it or opens it for another cooldown.
 *
 * `acquire()` hands out a ticket naming the breaker generation it was issued in; an outcome reported on a
 * ticket from an earlier generation (a slow request that started before the breaker opened or closed) is
 * ignored, so only the probe decides a half-open breaker.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
	/** Consecutive failures that open a closed breaker. */
	failureThreshold: number;
	/** How long an open breaker refuses before it lets one probe through, in ms. */
	cooldownMs: number;
	now?: () => number;
}

export type BreakerTicket = number;

export class CircuitBreaker {
	#state: BreakerState = 'closed';
	#generation = 0;
	#failures = 0;
	#openedAt = 0;
	#probing = false;
	readonly #threshold: number;
	readonly #cooldownMs: number;
	readonly #now: () => number;
	readonly #onTransition: (to: BreakerState, from: BreakerState) => void;

	constructor(options: BreakerOptions, onTransition: (to: BreakerState, from: BreakerState) => void = () => {}) {
		this.#threshold = Math.max(1, options.failureThreshold);
		this.#cooldownMs = Math.max(0, options.cooldownMs);
		this.#now = options.now ?? Date.now;
		this.#onTransition = onTransition;
	}

	/** The state as last decided; an open breaker whose cooldown has passed still reads 'open' until `acquire()`. */
	get state(): BreakerState {
		return this.#state;
	}

	/** Milliseconds until an open breaker lets a probe through (0 when it would now, or is not open). */
	get retryInMs(): number {
		if (this.#state !== 'open') return 0;
		return Math.max(0, this.#openedAt + this.#cooldownMs - this.#now());
	}

	/** A ticket to make one request, or null when the breaker refuses (open, or half-open with its probe out). */
	acquire(): BreakerTicket | null {
		if (this.#state === 'open') {
			if (this.retryInMs > 0) return null;
			this.#move('half_open');
		}
		if (this.#state === 'half_open') {
			if (this.#probing) return null;
			this.#probing = true;
		}
		return this.#generation;
	}

	success(ticket: BreakerTicket): void {
		if (ticket !== this.#generation) return;
		if (this.#state === 'half_open') this.#move('closed');
		else if (this.#state === 'closed') this.#failures = 0;
	}

	failure(ticket: BreakerTicket): void {
		if (ticket !== this.#generation) return;
		if (this.#state === 'half_open') this.#move('open');
		else if (this.#state === 'closed' && ++this.#failures >= this.#threshold) this.#move('open');
	}

	#move(to: BreakerState): void {
		const from = this.#state;
		this.#state = to;
		this.#generation++;
		this.#failures = 0;
		this.#probing = false;
		if (to === 'open') this.#openedAt = this.#now();
		this.#onTransition(to, from);
	}
}
