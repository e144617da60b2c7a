/**
 * A least-recently-used cache on a Map, which keeps insertion order: a read moves the entry to the end,
 * and the first entry is the one to evict. `maxEntries` 0 keeps nothing.
 */
export class Lru<K, V> {
	readonly #entries = new Map<K, V>();

	constructor(readonly maxEntries: number) {}

	get size(): number {
		return this.#entries.size;
	}

	/** The value, marked as most recently used; undefined when absent. */
	get(key: K): V | undefined {
		const value = this.#entries.get(key);
		if (value === undefined) return undefined;
		this.#entries.delete(key);
		this.#entries.set(key, value);
		return value;
	}

	has(key: K): boolean {
		return this.#entries.has(key);
	}

	set(key: K, value: V): void {
		if (this.maxEntries <= 0) return;
		this.#entries.delete(key);
		this.#entries.set(key, value);
		while (this.#entries.size > this.maxEntries) {
			const oldest = this.#entries.keys().next().value as K;
			this.#entries.delete(oldest);
		}
	}

	delete(key: K): boolean {
		return this.#entries.delete(key);
	}

	clear(): void {
		this.#entries.clear();
	}
}
