import { describe, expect, it } from 'vitest';
import { boundedDistance, createFloodGuard, nearlySame, repetitionKey } from './flood';

function clock() {
	let t = 1_000_000;
	return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('flood and repetition', () => {
	it('blocks past maxMessages in the window, per person and space, and lets go once the window moves on', () => {
		const c = clock();
		const g = createFloodGuard({ maxMessages: 3, windowMs: 1000, now: c.now });
		let n = 0;
		const send = (authorId = 'a', spaceId = 's') => g.check({ spaceId, authorId, text: `hello number ${n++}` }).action;
		expect([send(), send(), send()]).toEqual(['allow', 'allow', 'allow']);
		expect(send()).toBe('block');
		expect(send('b')).toBe('allow');
		expect(send('a', 't')).toBe('allow');
		c.advance(1001);
		expect(send()).toBe('allow');
	});

	it('holds the same text repeated maxRepeats times, also with invisible characters or case changed', () => {
		const c = clock();
		const g = createFloodGuard({ maxRepeats: 3, repeatWindowMs: 60_000, now: c.now });
		const send = (text: string) => g.check({ spaceId: 's', authorId: 'a', text }).action;
		expect(send('buy cheap followers now')).toBe('allow');
		expect(send('Buy cheap followers NOW!')).toBe('allow');
		expect(send('buy\u200B cheap followers now')).toBe('hold');
		c.advance(60_001);
		expect(send('buy cheap followers now')).toBe('allow');
	});

	it('a limit switched off (Infinity) lets everything through, and the other limit still holds', () => {
		const c = clock();
		const off = createFloodGuard({ maxMessages: Infinity, maxRepeats: Infinity, now: c.now });
		for (let i = 0; i < 200; i++) expect(off.check({ spaceId: 's', authorId: 'a', text: 'the very same text, again and again' }).action).toBe('allow');
		const repeatsOnly = createFloodGuard({ maxMessages: Infinity, maxRepeats: 3, now: c.now });
		const same = () => repeatsOnly.check({ spaceId: 's', authorId: 'a', text: 'the very same text, again and again' }).action;
		expect([same(), same(), same()]).toEqual(['allow', 'allow', 'hold']);
		const floodOnly = createFloodGuard({ maxMessages: 2, maxRepeats: Infinity, windowMs: 1000, now: c.now });
		const flood = () => floodOnly.check({ spaceId: 's', authorId: 'a', text: 'the very same text, again and again' }).action;
		expect([flood(), flood(), flood()]).toEqual(['allow', 'allow', 'block']);
	});

	it('never counts short texts or numbered messages as repeats', () => {
		const g = createFloodGuard({ maxRepeats: 2 });
		const send = (text: string) => g.check({ spaceId: 's', authorId: 'a', text }).action;
		expect([send('ok'), send('ok'), send('ok')]).toEqual(['allow', 'allow', 'allow']);
		expect([send('message 101'), send('message 110'), send('message 12'), send('message 1')]).toEqual(['allow', 'allow', 'allow', 'allow']);
	});

	it('treats long texts with one change in ten as nearly the same', () => {
		const a = repetitionKey('Join my channel for free gems and coins every single day');
		const b = repetitionKey('Join my channel for free gams and coins every single day');
		expect(nearlySame(a, b)).toBe(true);
		expect(nearlySame(repetitionKey('message 101'), repetitionKey('message 110'))).toBe(false);
		expect(boundedDistance('kitten', 'sitting', 3)).toBe(3);
		expect(boundedDistance('kitten', 'sitting', 1)).toBe(2);
	});
});
