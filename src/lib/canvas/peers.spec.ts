import { describe, expect, it } from 'vitest';
import { readCursors } from './peers';

describe('readCursors', () => {
	it('lists everyone else who points at the canvas, with name and colour', () => {
		const states = new Map<number, unknown>([
			[1, { user: { id: 'me', name: 'Me', color: '#111111' }, cursor: { x: 1, y: 1 } }],
			[2, { user: { id: 'amal', name: 'Amal', color: '#a3195b' }, cursor: { x: 10, y: -20 } }],
			[3, { user: { id: 'lucia', name: 'Lucía', color: '#1d4ed8' }, cursor: null }],
			[4, { user: { id: 'me', name: 'Me', color: '#111111' }, cursor: { x: 3, y: 3 } }]
		]);
		// My own other tab is someone else's view too, so it shows; this tab's pointer does not.
		expect(readCursors(states, 1)).toEqual([
			{ clientId: 2, userId: 'amal', name: 'Amal', color: '#a3195b', x: 10, y: -20 },
			{ clientId: 4, userId: 'me', name: 'Me', color: '#111111', x: 3, y: 3 }
		]);
	});

	it('survives whatever a peer puts in its awareness', () => {
		const states = new Map<number, unknown>([
			[2, null],
			[3, 'text'],
			[4, { user: { name: 42, color: 'red' }, cursor: { x: 'a', y: 1 } }],
			[5, { user: { name: 'x'.repeat(500), color: 'javascript:' }, cursor: { x: Infinity, y: 0 } }],
			[6, { user: { name: 'x'.repeat(500), color: 'url(#a)' }, cursor: { x: 5, y: 6 } }]
		]);
		expect(readCursors(states, 1)).toEqual([{ clientId: 6, userId: '', name: 'x'.repeat(60), color: '#1f5f5b', x: 5, y: 6 }]);
	});
});
