/**
 * A small cache of values read from the database for checks made on every message or keystroke (a member's
 * role, a space's locks and mutes, who in it is a minor). Changes made through Tessera remove their key at once
 * (`delete`), and the next call reads and waits; the time limit is only the backstop for changes nobody announced.
 *
 * A value is fresh for up to `ttlMs` (see below). For `staleMs` after that it is still answered at once while a
 * single read in the background replaces it, so that under load a send never waits for the database just because
 * a timer ran out (each of hundreds of members would otherwise wait in turn, every `ttlMs`). Failed reads are not
 * kept, and neither are values `keep` turns down (say, "not a member").
 *
 * Each value's time is drawn between three quarters of `ttlMs` and all of it: keys read together (five hundred
 * members joining as a session starts) are not all read again in the same instant `ttlMs` later, a burst of
 * queries that would hold up every send meanwhile.
 */
export interface ReadCache<K, V> {
	get(key: K): Promise<V>;
	delete(key: K): void;
	clear(): void;
	keys(): IterableIterator<K>;
}

/** Share of `ttlMs` by which a value's time may be shortened, drawn per value. */
const JITTER = 0.25;

export function createReadCache<K, V>({
	ttlMs,
	staleMs = ttlMs,
	max,
	read,
	keep = () => true
}: {
	ttlMs: number;
	staleMs?: number;
	max: number;
	read: (key: K) => Promise<V>;
	keep?: (value: V) => boolean;
}): ReadCache<K, V> {
	interface Entry {
		value: Promise<V>;
		/** Until when the value is fresh, and after that until when it may be answered while it is read again. */
		freshUntil: number;
		staleUntil: number;
		settled: boolean;
		refreshing: boolean;
	}
	const entries = new Map<K, Entry>();

	function start(key: K): Entry {
		const now = Date.now();
		const freshUntil = now + ttlMs - Math.random() * ttlMs * JITTER;
		const entry: Entry = { value: read(key), freshUntil, staleUntil: freshUntil + staleMs, settled: false, refreshing: false };
		entry.value.then(
			(value) => {
				if (keep(value)) entry.settled = true;
				else if (entries.get(key) === entry) entries.delete(key);
			},
			() => {
				if (entries.get(key) === entry) entries.delete(key);
			}
		);
		return entry;
	}

	function put(key: K, entry: Entry): void {
		entries.delete(key);
		entries.set(key, entry);
		if (entries.size > max) entries.delete(entries.keys().next().value!);
	}

	function refresh(key: K, stale: Entry): void {
		stale.refreshing = true;
		const next = start(key);
		next.value.then(
			(value) => {
				// Deleted (or replaced) meanwhile: a change was announced after this read began; the read may predate it.
				if (entries.get(key) !== stale) return;
				if (keep(value)) put(key, next);
				else entries.delete(key);
			},
			() => {
				if (entries.get(key) === stale) stale.refreshing = false;
			}
		);
	}

	return {
		get(key: K): Promise<V> {
			const hit = entries.get(key);
			const now = Date.now();
			if (hit && now < hit.freshUntil) return hit.value;
			if (hit?.settled && now < hit.staleUntil) {
				if (!hit.refreshing) refresh(key, hit);
				return hit.value;
			}
			const entry = start(key);
			put(key, entry);
			return entry.value;
		},
		delete(key: K): void {
			entries.delete(key);
		},
		clear(): void {
			entries.clear();
		},
		keys(): IterableIterator<K> {
			return entries.keys();
		}
	};
}
