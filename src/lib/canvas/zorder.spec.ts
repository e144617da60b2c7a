import { describe, expect, it } from 'vitest';
import { backwardKey, compareZ, forwardKey, isZKey, keyBetween, sortByZ, topKey } from './zorder';

/** A small seeded generator (mulberry32), so the random test repeats exactly. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('keyBetween', () => {
	it('starts at a0 and makes room on either side', () => {
		expect(keyBetween(null, null)).toBe('a0');
		expect(keyBetween('a0', null)).toBe('a1');
		expect(keyBetween(null, 'a0')).toBe('Zz');
		expect(keyBetween('a0', 'a1')).toBe('a0V');
		expect(keyBetween('az', null)).toBe('b00');
		expect(keyBetween('Zz', 'a0')).toBe('ZzV');
	});

	it('finds a key between neighbours that differ only at the end', () => {
		for (const [a, b] of [
			['a0', 'a01'],
			['a0V', 'a0V1'],
			['a1', 'a2'],
			[null, 'a01'],
			['b00', 'b01'],
			['Zz', 'a0']
		] as const) {
			const k = keyBetween(a, b);
			expect(isZKey(k), k).toBe(true);
			if (a !== null) expect(k > a, `${k} > ${a}`).toBe(true);
			expect(k < b, `${k} < ${b}`).toBe(true);
		}
	});

	it('refuses keys out of order or malformed', () => {
		expect(() => keyBetween('a2', 'a1')).toThrow();
		expect(() => keyBetween('a1', 'a1')).toThrow();
		expect(() => keyBetween('a10', null)).toThrow();
		expect(() => keyBetween('a-', null)).toThrow();
		expect(() => keyBetween('b0', null)).toThrow();
	});

	it('keeps order through 2,000 random insertions (seeded), all keys distinct and valid', () => {
		const rnd = random(42);
		const keys: string[] = [];
		for (let i = 0; i < 2000; i++) {
			const at = Math.floor(rnd() * (keys.length + 1));
			const k = keyBetween(keys[at - 1] ?? null, keys[at] ?? null);
			expect(isZKey(k)).toBe(true);
			keys.splice(at, 0, k);
		}
		expect([...keys].sort()).toEqual(keys);
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('keeps keys short when shapes are added on top, one after another', () => {
		let top: string | null = null;
		for (let i = 0; i < 10_000; i++) top = keyBetween(top, null);
		expect(top!.length).toBeLessThanOrEqual(4);
		let bottom: string | null = null;
		for (let i = 0; i < 10_000; i++) bottom = keyBetween(null, bottom);
		expect(bottom!.length).toBeLessThanOrEqual(4);
	});
});

describe('z-order of shapes', () => {
	const shapes = [
		{ id: 'c', z: 'a1' },
		{ id: 'a', z: 'a0' },
		{ id: 'b', z: 'a0' },
		{ id: 'd', z: 'a2' }
	];

	it('sorts back to front by z, ties by id (the same on every client)', () => {
		expect(sortByZ(shapes).map((s) => s.id)).toEqual(['a', 'b', 'c', 'd']);
		expect(compareZ({ id: 'x', z: 'a0' }, { id: 'y', z: 'a0' })).toBe(-1);
	});

	it('puts a new shape on top', () => {
		expect(topKey(shapes)).toBe('a3');
		expect(topKey([])).toBe('a0');
	});

	function order(list: { id: string; z: string }[], id: string, z: string | null) {
		return sortByZ(list.map((s) => (s.id === id && z !== null ? { ...s, z } : s))).map((s) => s.id);
	}

	it('brings a shape forward one place, past a tie', () => {
		expect(order(shapes, 'a', forwardKey(shapes, 'a'))).toEqual(['b', 'a', 'c', 'd']);
		expect(order(shapes, 'c', forwardKey(shapes, 'c'))).toEqual(['a', 'b', 'd', 'c']);
		expect(forwardKey(shapes, 'd')).toBeNull();
		expect(forwardKey(shapes, 'missing')).toBeNull();
	});

	it('sends a shape backward one place', () => {
		expect(order(shapes, 'b', backwardKey(shapes, 'b'))).toEqual(['b', 'a', 'c', 'd']);
		expect(order(shapes, 'd', backwardKey(shapes, 'd'))).toEqual(['a', 'b', 'd', 'c']);
		// Below a run of equal keys (a and b): past the whole run.
		expect(order(shapes, 'c', backwardKey(shapes, 'c'))).toEqual(['c', 'a', 'b', 'd']);
		expect(backwardKey(shapes, 'a')).toBeNull();
	});

	it('passes a run of equal keys in one step when the run is not the shape itself', () => {
		const tied = [
			{ id: 'a', z: 'a0' },
			{ id: 'b', z: 'a1' },
			{ id: 'c', z: 'a1' },
			{ id: 'd', z: 'a1' }
		];
		// From a, one step forward lands above b; c and d share b's key, so a lands above all three.
		expect(order(tied, 'a', forwardKey(tied, 'a'))).toEqual(['b', 'c', 'd', 'a']);
	});

	it('validates keys', () => {
		expect(isZKey('a0')).toBe(true);
		expect(isZKey('a0V')).toBe(true);
		expect(isZKey('')).toBe(false);
		expect(isZKey('V')).toBe(false);
		expect(isZKey('a0V0')).toBe(false);
		expect(isZKey('a')).toBe(false);
		expect(isZKey(3)).toBe(false);
		expect(isZKey('x'.repeat(201))).toBe(false);
	});
});
