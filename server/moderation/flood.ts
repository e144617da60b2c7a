import { foldLetters } from './normalize';

export interface FloodOptions {
	/** More than this many messages by one person in one space within `windowMs` are blocked. */
	maxMessages: number;
	windowMs: number;
	/** The same (or nearly the same) text this many times within `repeatWindowMs` is held. */
	maxRepeats: number;
	repeatWindowMs: number;
	/** Texts shorter than this (letters and digits) never count as repeats: "ok", "yes", "lol". */
	minRepeatLetters: number;
	now: () => number;
}

export const FLOOD_DEFAULTS: FloodOptions = {
	maxMessages: 30,
	windowMs: 60_000,
	maxRepeats: 5,
	repeatWindowMs: 2 * 60_000,
	minRepeatLetters: 8,
	now: Date.now
};

export type FloodVerdict = { action: 'allow' } | { action: 'hold'; reason: 'repetition' } | { action: 'block'; reason: 'flood' };

interface Seen {
	at: number;
	letters: string;
}

/** Edit distance, giving up (returning `max + 1`) as soon as it is beyond `max`. */
export function boundedDistance(a: string, b: string, max: number): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		let best = i;
		for (let j = 1; j <= b.length; j++) {
			const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
			row.push(v);
			if (v < best) best = v;
		}
		if (best > max) return max + 1;
		prev = row;
	}
	return prev[b.length]!;
}

/** What repetition compares: letters and digits after folding, without spaces, punctuation or invisible characters. */
export function repetitionKey(text: string): string {
	return foldLetters(text).replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Nearly the same: equal keys, or, for longer texts (40 or more letters and digits, where copy-paste spam with a
 * word changed lives), at most one change in ten. Short texts must be equal: "message 101" and "message 110" differ.
 */
export function nearlySame(a: string, b: string): boolean {
	if (a === b) return true;
	const longest = Math.max(a.length, b.length);
	if (longest < 40 || longest > 500) return false;
	return boundedDistance(a, b, Math.floor(longest / 10)) <= Math.floor(longest / 10);
}

/**
 * Flood and repetition limits per person and space, in memory. Every text checked counts, including ones refused,
 * so hammering does not reset the count.
 *
 * With several processes each counts its own, on purpose: repetition compares recent texts, and sharing them would
 * put what people write (minors' included) into Redis; a person's connection stays on one process, so that process
 * sees their messages; and the send rate limit in front of this is shared, so spreading connections over processes
 * buys a flooder no more than that limit.
 */
export function createFloodGuard(options: Partial<FloodOptions> = {}) {
	const o = { ...FLOOD_DEFAULTS, ...options };
	const recent = new Map<string, Seen[]>();
	const keep = Math.max(o.windowMs, o.repeatWindowMs);
	// A limit set to 0 in config arrives as Infinity: switched off, it costs nothing (the repetition scan compares
	// against every recent text, so it must not run for a limit nobody asked for).
	const floodOn = Number.isFinite(o.maxMessages);
	const repeatsOn = Number.isFinite(o.maxRepeats);
	const cap = Math.min(1000, 4 * Math.max(floodOn ? o.maxMessages : 0, repeatsOn ? o.maxRepeats : 0, 1));

	function prune(list: Seen[], now: number): Seen[] {
		let i = 0;
		while (i < list.length && now - list[i]!.at > keep) i++;
		return i === 0 ? list : list.slice(i);
	}

	return {
		/** Records a text by `authorId` in `spaceId` and says whether it floods or repeats. */
		check({ spaceId, authorId, text }: { spaceId: string; authorId: string; text: string }): FloodVerdict {
			if (!floodOn && !repeatsOn) return { action: 'allow' };
			const key = `${spaceId}\u0000${authorId}`;
			const now = o.now();
			const letters = repetitionKey(text);
			const list = prune(recent.get(key) ?? [], now);
			const inWindow = list.filter((s) => now - s.at <= o.windowMs).length;
			const repeats = repeatsOn && letters.length >= o.minRepeatLetters ? list.filter((s) => now - s.at <= o.repeatWindowMs && nearlySame(s.letters, letters)).length : 0;
			list.push({ at: now, letters });
			// Bounded memory per person: far more than any limit needs.
			if (list.length > cap) list.shift();
			recent.delete(key);
			recent.set(key, list);
			if (recent.size > 50_000) recent.delete(recent.keys().next().value!);
			if (inWindow >= o.maxMessages) return { action: 'block', reason: 'flood' };
			if (repeats + 1 >= o.maxRepeats) return { action: 'hold', reason: 'repetition' };
			return { action: 'allow' };
		},
		/** Forgets everything (tests). */
		reset(): void {
			recent.clear();
		}
	};
}

export type FloodGuard = ReturnType<typeof createFloodGuard>;
