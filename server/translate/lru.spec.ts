import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('Lru', () => {
	it('evicts the least recently used entry when full', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('b', 2);
		lru.set('c', 3);
		expect(lru.has('a')).toBe(false);
		expect(lru.get('b')).toBe(2);
		expect(lru.get('c')).toBe(3);
		expect(lru.size).toBe(2);
	});

	it('a read makes an entry recent, so the other one goes first', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('b', 2);
		expect(lru.get('a')).toBe(1);
		lru.set('c', 3);
		expect(lru.get('a')).toBe(1);
		expect(lru.has('b')).toBe(false);
	});

	it('setting an existing key replaces its value without growing', () => {
		const lru = new Lru<string, number>(2);
		lru.set('a', 1);
		lru.set('a', 5);
		expect(lru.size).toBe(1);
		expect(lru.get('a')).toBe(5);
	});

	it('with room for nothing keeps nothing', () => {
		const lru = new Lru<string, number>(0);
		lru.set('a', 1);
		expect(lru.get('a')).toBeUndefined();
		expect(lru.size).toBe(0);
	});

	it('a missing key reads as undefined and delete/clear empty it', () => {
		const lru = new Lru<string, string>(3);
		expect(lru.get('x')).toBeUndefined();
		lru.set('x', 'y');
		expect(lru.delete('x')).toBe(true);
		lru.set('z', 'w');
		lru.clear();
		expect(lru.size).toBe(0);
	});
});
