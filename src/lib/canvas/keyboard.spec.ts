import { describe, expect, it } from 'vitest';
import { resizeBy, translate } from './geometry';
import { arrowMove, arrowResize, commandFor, MOVE_STEP, MOVE_STEP_LARGE, RESIZE_STEP } from './keyboard';

describe('arrowMove', () => {
	it.each([
		['ArrowLeft', -MOVE_STEP, 0],
		['ArrowRight', MOVE_STEP, 0],
		['ArrowUp', 0, -MOVE_STEP],
		['ArrowDown', 0, MOVE_STEP]
	])('%s moves one step', (key, dx, dy) => {
		expect(arrowMove({ key })).toEqual({ dx, dy });
	});

	it('takes a large step with Shift', () => {
		expect(arrowMove({ key: 'ArrowRight', shiftKey: true })).toEqual({ dx: MOVE_STEP_LARGE, dy: 0 });
		expect(arrowMove({ key: 'ArrowUp', shiftKey: true })).toEqual({ dx: 0, dy: -MOVE_STEP_LARGE });
	});

	it('leaves other keys and modified arrows alone (browser and screen-reader shortcuts)', () => {
		expect(arrowMove({ key: 'a' })).toBeNull();
		expect(arrowMove({ key: 'ArrowLeft', ctrlKey: true })).toBeNull();
		expect(arrowMove({ key: 'ArrowLeft', altKey: true })).toBeNull();
		expect(arrowMove({ key: 'ArrowLeft', metaKey: true })).toBeNull();
		expect(arrowMove({ key: 'ArrowLeft', altKey: true, shiftKey: true })).toBeNull();
	});

	it('moves a shape the same way on a right-to-left page: the drawing is never mirrored', () => {
		const shape = { x: 100, y: 100, w: 50, h: 50 };
		const presses = ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowLeft'];
		const moved = presses.reduce((s, key) => {
			const d = arrowMove({ key })!;
			return translate(s, d.dx, d.dy);
		}, shape);
		expect(moved).toEqual({ x: 110, y: 110, w: 50, h: 50 });
		const far = arrowMove({ key: 'ArrowLeft', shiftKey: true })!;
		expect(translate(shape, far.dx, far.dy)).toEqual({ x: 50, y: 100, w: 50, h: 50 });
	});
});

describe('arrowResize', () => {
	it.each([
		['ArrowRight', RESIZE_STEP, 0],
		['ArrowLeft', -RESIZE_STEP, 0],
		['ArrowDown', 0, RESIZE_STEP],
		['ArrowUp', 0, -RESIZE_STEP]
	])('Alt + Shift + %s resizes one step', (key, dw, dh) => {
		expect(arrowResize({ key, altKey: true, shiftKey: true })).toEqual({ dw, dh });
	});

	it('needs both Alt and Shift, and nothing else: Alt + arrow is Back or Forward, Ctrl + Alt + arrow a screen-reader key', () => {
		expect(arrowResize({ key: 'ArrowRight' })).toBeNull();
		expect(arrowResize({ key: 'ArrowRight', shiftKey: true })).toBeNull();
		expect(arrowResize({ key: 'ArrowLeft', altKey: true })).toBeNull();
		expect(arrowResize({ key: 'ArrowLeft', altKey: true, shiftKey: true, ctrlKey: true })).toBeNull();
		expect(arrowResize({ key: 'ArrowLeft', altKey: true, shiftKey: true, metaKey: true })).toBeNull();
		expect(arrowResize({ key: 'a', altKey: true, shiftKey: true })).toBeNull();
	});

	it('is never also a move, a pan or a command', () => {
		for (const key of ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']) {
			const event = { key, altKey: true, shiftKey: true };
			expect(arrowResize(event)).not.toBeNull();
			expect(arrowMove(event)).toBeNull();
			expect(commandFor(event)).toBeNull();
		}
	});

	it('makes a sticky note wider and shorter the same way on a right-to-left page', () => {
		const note = { x: 0, y: 0, w: 180, h: 180 };
		const presses = ['ArrowRight', 'ArrowRight', 'ArrowUp'];
		const resized = presses.reduce((s, key) => {
			const d = arrowResize({ key, altKey: true, shiftKey: true })!;
			return resizeBy(s, d.dw, d.dh);
		}, note);
		expect(resized).toEqual({ x: 0, y: 0, w: 200, h: 170 });
	});
});

describe('commandFor', () => {
	it.each([
		[{ key: 'z', ctrlKey: true }, 'undo'],
		[{ key: 'Z', metaKey: true }, 'undo'],
		[{ key: 'z', ctrlKey: true, shiftKey: true }, 'redo'],
		[{ key: 'Z', ctrlKey: true, shiftKey: true }, 'redo'],
		[{ key: 'y', ctrlKey: true }, 'redo'],
		[{ key: 'Delete' }, 'delete'],
		[{ key: 'Backspace' }, 'delete'],
		[{ key: '+' }, 'zoom-in'],
		[{ key: '=' }, 'zoom-in'],
		[{ key: '-' }, 'zoom-out'],
		[{ key: '0' }, 'zoom-reset'],
		[{ key: 'Enter' }, 'edit'],
		[{ key: 'Escape' }, 'escape'],
		[{ key: ']' }, 'forward'],
		[{ key: '[' }, 'backward'],
		[{ key: '[', ctrlKey: true, altKey: true }, 'backward'],
		[{ key: ']', metaKey: true }, null],
		[{ key: 'x' }, null],
		[{ key: 'c', ctrlKey: true }, null],
		[{ key: 'Delete', altKey: true }, null],
		[{ key: 'z', ctrlKey: true, altKey: true }, null]
	] as const)('%j → %s', (event, command) => {
		expect(commandFor(event)).toBe(command);
	});
});
