import { describe, expect, it } from 'vitest';
import { dragBox, handlePoint, MIN_SIZE, resize, translate } from './geometry';

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
