import { describe, expect, it } from 'vitest';
import { clampZoom, fitView, HOME, panBy, toCanvas, toScreen, viewBox, viewCentre, zoomAt, ZOOM_MAX, ZOOM_MIN } from './viewport';

describe('viewport', () => {
	const view = { x: 100, y: -50, zoom: 2 };

	it('converts between screen and canvas points both ways', () => {
		expect(toCanvas(view, { x: 40, y: 20 })).toEqual({ x: 120, y: -40 });
		expect(toScreen(view, { x: 120, y: -40 })).toEqual({ x: 40, y: 20 });
	});

	it('zooms about the pointer, keeping the point under it still', () => {
		const at = { x: 300, y: 200 };
		const before = toCanvas(view, at);
		const next = zoomAt(view, at, 3);
		expect(next.zoom).toBe(3);
		const after = toCanvas(next, at);
		expect(after.x).toBeCloseTo(before.x, 9);
		expect(after.y).toBeCloseTo(before.y, 9);
	});

	it('clamps zoom', () => {
		expect(clampZoom(100)).toBe(ZOOM_MAX);
		expect(clampZoom(0)).toBe(ZOOM_MIN);
		expect(clampZoom(Number.NaN)).toBe(1);
		expect(zoomAt(HOME, { x: 0, y: 0 }, 50).zoom).toBe(ZOOM_MAX);
	});

	it('pans with the pointer: dragging right shows what was on the left', () => {
		expect(panBy(view, 20, -10)).toEqual({ x: 90, y: -45, zoom: 2 });
	});

	it('knows the centre and the viewBox', () => {
		expect(viewCentre(view, { width: 400, height: 300 })).toEqual({ x: 200, y: 25 });
		expect(viewBox(view, { width: 400, height: 300 })).toBe('100 -50 200 150');
	});

	it('fits a drawing at no more than 100 %', () => {
		expect(fitView(null, { width: 800, height: 600 })).toEqual(HOME);
		const small = fitView({ x: 0, y: 0, w: 100, h: 100 }, { width: 800, height: 600 });
		expect(small.zoom).toBe(1);
		expect(toCanvas(small, { x: 400, y: 300 })).toEqual({ x: 50, y: 50 });
		const big = fitView({ x: 0, y: 0, w: 4000, h: 1000 }, { width: 800, height: 600 }, 0);
		expect(big.zoom).toBe(0.2);
	});
});
