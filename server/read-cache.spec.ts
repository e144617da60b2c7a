import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReadCache } from './read-cache';

/** A read whose answers the test hands out one by one. */
function controlledReads<V>() {
	const calls: { key: string; resolve(v: V): void; reject(e: unknown): void }[] = [];
	const read = (key: string) => new Promise<V>((resolve, reject) => calls.push({ key, resolve, reject }));
	return { calls, read };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('createReadCache', () => {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(0);
	});
	afterEach(() => vi.useRealTimers());

	it('reads once while fresh, then answers the stale value at once while one read replaces it', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, max: 10, read });
		const first = cache.get('a');
		expect(cache.get('a')).toBe(first);
		calls[0]!.resolve('v1');
		expect(await first).toBe('v1');

		vi.setSystemTime(1500);
		expect(await cache.get('a')).toBe('v1');
		expect(await cache.get('a')).toBe('v1');
		expect(calls).toHaveLength(2);
		calls[1]!.resolve('v2');
		await settle();
		expect(await cache.get('a')).toBe('v2');
		expect(calls).toHaveLength(2);
	});

	it('waits for a new read once the value is older than fresh and stale together', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, staleMs: 500, max: 10, read });
		const first = cache.get('a');
		calls[0]!.resolve('v1');
		await first;
		vi.setSystemTime(1600);
		let answered: string | undefined;
		const second = cache.get('a').then((v) => (answered = v));
		await settle();
		expect(answered).toBeUndefined();
		calls[1]!.resolve('v2');
		await second;
		expect(answered).toBe('v2');
	});

	it('reads again at once after delete, and a background read that began before the delete is not kept', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, max: 10, read });
		const first = cache.get('a');
		calls[0]!.resolve('member');
		await first;
		vi.setSystemTime(1200);
		expect(await cache.get('a')).toBe('member'); // stale, refreshing in the background (calls[1])
		cache.delete('a');
		const afterDelete = cache.get('a'); // calls[2]
		calls[1]!.resolve('member'); // read before the change: must not replace what was read after it
		calls[2]!.resolve('observer');
		expect(await afterDelete).toBe('observer');
		await settle();
		expect(await cache.get('a')).toBe('observer');
		expect(calls).toHaveLength(3);
	});

	it('keeps neither failed reads nor values `keep` turns down', async () => {
		const { calls, read } = controlledReads<string | null>();
		const cache = createReadCache<string, string | null>({ ttlMs: 1000, max: 10, read, keep: (v) => v !== null });
		const failing = cache.get('a');
		calls[0]!.reject(new Error('database down'));
		await expect(failing).rejects.toThrow('database down');
		const none = cache.get('a');
		expect(calls).toHaveLength(2);
		calls[1]!.resolve(null);
		expect(await none).toBeNull();
		await settle();
		void cache.get('a');
		expect(calls).toHaveLength(3);
	});

	it('a failed background read leaves the stale value in use and is tried again on the next call', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, max: 10, read });
		const first = cache.get('a');
		calls[0]!.resolve('v1');
		await first;
		vi.setSystemTime(1200);
		expect(await cache.get('a')).toBe('v1');
		calls[1]!.reject(new Error('blip'));
		await settle();
		expect(await cache.get('a')).toBe('v1');
		expect(calls).toHaveLength(3);
	});

	it('holds at most `max` keys, dropping the oldest', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, max: 2, read });
		for (const key of ['a', 'b', 'c']) void cache.get(key);
		for (const c of calls) c.resolve(c.key);
		await settle();
		expect([...cache.keys()]).toEqual(['b', 'c']);
	});

	it('keys read together are read again spread over the last quarter of `ttlMs`, none later than `ttlMs`', async () => {
		const { calls, read } = controlledReads<string>();
		const cache = createReadCache({ ttlMs: 1000, max: 1000, read });
		const keys = Array.from({ length: 400 }, (_, i) => `k${i}`);
		for (const key of keys) void cache.get(key);
		for (const c of calls) c.resolve(c.key);
		await settle();
		const refreshedBy = (t: number) => {
			vi.setSystemTime(t);
			for (const key of keys) void cache.get(key);
			return calls.length - keys.length;
		};
		expect(refreshedBy(749)).toBe(0);
		const early = refreshedBy(850);
		expect(early).toBeGreaterThan(100);
		expect(early).toBeLessThan(300);
		expect(refreshedBy(1000)).toBe(keys.length);
	});
});
