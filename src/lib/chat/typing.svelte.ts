import { SvelteMap } from 'svelte/reactivity';

/** While typing, "typing" is repeated this often; the server forgets it after a few seconds by itself. */
const REPEAT_MS = 3_000;
/** Someone else shows as typing for at most this long without news. */
const SHOW_MS = 6_000;

/** Who else is typing in the space, and telling them when this person types (at most every few seconds). */
export class Typing {
	#names = new SvelteMap<string, string>();
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#sentAt = 0;
	#emit: (typing: boolean) => void;

	/** `emit` tells the others; it may drop the news when there is no connection. */
	constructor(emit: (typing: boolean) => void) {
		this.#emit = emit;
	}

	/** Names of the others typing right now. */
	get names(): string[] {
		return [...this.#names.values()];
	}

	/** Someone else started or stopped typing. */
	seen(userId: string, name: string, typing: boolean): void {
		this.clear(userId);
		if (!typing) return;
		this.#names.set(userId, name);
		this.#timers.set(
			userId,
			setTimeout(() => this.clear(userId), SHOW_MS)
		);
	}

	/** They are no longer typing (their message came, or they stopped). */
	clear(userId: string): void {
		const timer = this.#timers.get(userId);
		if (timer) clearTimeout(timer);
		this.#timers.delete(userId);
		this.#names.delete(userId);
	}

	/** This person types. */
	typing(): void {
		const now = Date.now();
		if (now - this.#sentAt < REPEAT_MS) return;
		this.#sentAt = now;
		this.#emit(true);
	}

	/** This person stopped (sent, emptied the box, or left it). */
	stop(): void {
		if (this.#sentAt === 0) return;
		this.#sentAt = 0;
		this.#emit(false);
	}

	reset(): void {
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
		this.#names.clear();
		this.#sentAt = 0;
	}
}
