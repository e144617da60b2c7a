import { describe, expect, it } from 'vitest';
import { dragBox, handlePoint, MIN_SIZE, resize, resizeBy, translate } from './geometry';

const box = { x: 100, y: 100, w: 200, h: 100 };

describe('resize', () => {
	it('moves the dragged corner and keeps the opposite one', () => {
		expect(resize(box, 'se', { x: 350, y: 260 })).toEqual({ x: 100, y: 100, w: 250, h: 160 });
		expect(resize(box, 'nw', { x: 50, y: 80 })).toEqual({ x: 50, y: 80, w: 250, h: 120 });
		expect(resize(box, 'ne', { x: 320, y: 90 })).toEqual({ x: 100, y: 90, w: 220, h: 110 });
		expect(resize(box, 'sw', { x: 120, y: 150 })).toEqual({ x: 120, y: 100, w: 180, h: 50 });
	});

	it('never turns a box inside out', () => {
		expect(resize(box, 'se', { x: 0, y: 0 })).toEqual({ x: 100, y: 100, w: MIN_SIZE, h: MIN_SIZE });
		expect(resize(box, 'nw', { x: 900, y: 900 })).toEqual({ x: 300 - MIN_SIZE, y: 200 - MIN_SIZE, w: MIN_SIZE, h: MIN_SIZE });
	});

	it('keeps proportions with Shift', () => {
		const r = resize(box, 'se', { x: 500, y: 150 }, true);
		expect(r.w / r.h).toBeCloseTo(2, 5);
		expect(r).toMatchObject({ x: 100, y: 100, w: 400, h: 200 });
	});

	it('moves one end of an arrow', () => {
		const arrow = { x: 0, y: 0, w: 100, h: 50 };
		expect(resize(arrow, 'end', { x: -20, y: 10 })).toEqual({ x: 0, y: 0, w: -20, h: 10 });
		expect(resize(arrow, 'start', { x: 40, y: 40 })).toEqual({ x: 40, y: 40, w: 60, h: 10 });
	});

	it('puts handles on the corners and the arrow ends', () => {
		expect(handlePoint(box, 'ne')).toEqual({ x: 300, y: 100 });
		expect(handlePoint(box, 'sw')).toEqual({ x: 100, y: 200 });
		expect(handlePoint({ x: 0, y: 0, w: -10, h: 5 }, 'end')).toEqual({ x: -10, y: 5 });
	});
});

describe('translate and dragBox', () => {
	it('moves and rounds to a tenth', () => {
		expect(translate(box, 0.123, -0.049)).toEqual({ x: 100.1, y: 100, w: 200, h: 100 });
	});

	it('spans a drag in any direction, or a square', () => {
		expect(dragBox({ x: 10, y: 10 }, { x: 0, y: 40 })).toEqual({ x: 0, y: 10, w: 10, h: 30 });
		expect(dragBox({ x: 10, y: 10 }, { x: 0, y: 40 }, true)).toEqual({ x: -20, y: 10, w: 30, h: 30 });
	});
});

describe('resizeBy (size buttons and Alt + Shift + arrow keys)', () => {
	it('grows and shrinks a box from its top-left corner', () => {
		expect(resizeBy(box, 10, 0)).toEqual({ x: 100, y: 100, w: 210, h: 100 });
		expect(resizeBy(box, 0, -10)).toEqual({ x: 100, y: 100, w: 200, h: 90 });
		expect(resizeBy(box, -10, 10)).toEqual({ x: 100, y: 100, w: 190, h: 110 });
	});

	it('stops shrinking at the smallest size, and leaves a side already thinner than that alone', () => {
		expect(resizeBy({ x: 0, y: 0, w: 12, h: 50 }, -10, 0)).toEqual({ x: 0, y: 0, w: MIN_SIZE, h: 50 });
		expect(resizeBy({ x: 0, y: 0, w: MIN_SIZE, h: 50 }, -10, 0)).toEqual({ x: 0, y: 0, w: MIN_SIZE, h: 50 });
		// A level pen line is 1 unit tall: shrinking it further does nothing, growing it works.
		const line = { x: 5, y: 5, w: 120, h: 1 };
		expect(resizeBy(line, 0, -10)).toEqual(line);
		expect(resizeBy(line, 0, 10)).toEqual({ x: 5, y: 5, w: 120, h: 11 });
	});

	it('lengthens and shortens an arrow along its own direction, keeping its start and never flipping it', () => {
		const arrow = { x: 50, y: 50, w: -100, h: 40 };
		expect(resizeBy(arrow, 10, 10)).toEqual({ x: 50, y: 50, w: -110, h: 50 });
		expect(resizeBy(arrow, -10, -10)).toEqual({ x: 50, y: 50, w: -90, h: 30 });
		expect(resizeBy({ x: 0, y: 0, w: -9, h: 0 }, -10, -10)).toEqual({ x: 0, y: 0, w: -MIN_SIZE, h: 0 });
		// A level arrow (h 0) gets a slope downwards when made taller.
		expect(resizeBy({ x: 0, y: 0, w: 160, h: 0 }, 0, 10)).toEqual({ x: 0, y: 0, w: 160, h: 10 });
	});

	it('rounds to a tenth, like every stored coordinate', () => {
		expect(resizeBy({ x: 0, y: 0, w: 10.04, h: 10 }, 0.03, 0)).toEqual({ x: 0, y: 0, w: 10.1, h: 10 });
	});
});
