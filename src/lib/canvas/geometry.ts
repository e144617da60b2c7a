import { round, type Box } from './shapes';

/** Corner handles of a box, and the two ends of an arrow. */
export type Handle = 'nw' | 'ne' | 'sw' | 'se' | 'start' | 'end';
export const BOX_HANDLES = ['nw', 'ne', 'sw', 'se'] as const;

/** The smallest width or height a resize leaves, in canvas units. */
export const MIN_SIZE = 8;

export interface Geometry {
	x: number;
	y: number;
	w: number;
	h: number;
}

/** Where a handle sits on a shape, in canvas units. */
export function handlePoint(shape: Geometry, handle: Handle): { x: number; y: number } {
	switch (handle) {
		case 'start':
			return { x: shape.x, y: shape.y };
		case 'end':
			return { x: shape.x + shape.w, y: shape.y + shape.h };
		case 'nw':
			return { x: shape.x, y: shape.y };
		case 'ne':
			return { x: shape.x + shape.w, y: shape.y };
		case 'sw':
			return { x: shape.x, y: shape.y + shape.h };
		case 'se':
			return { x: shape.x + shape.w, y: shape.y + shape.h };
	}
}

/**
 * The new geometry after dragging `handle` to `to` (canvas units). A box's opposite corner stays put and the box
 * never turns inside out (at least MIN_SIZE each way); an arrow's other end stays put. With `keepRatio` a box
 * keeps its proportions (Shift while dragging).
 */
export function resize(shape: Geometry, handle: Handle, to: { x: number; y: number }, keepRatio = false): Geometry {
	if (handle === 'start') {
		const end = { x: shape.x + shape.w, y: shape.y + shape.h };
		return { x: round(to.x), y: round(to.y), w: round(end.x - to.x), h: round(end.y - to.y) };
	}
	if (handle === 'end') return { x: shape.x, y: shape.y, w: round(to.x - shape.x), h: round(to.y - shape.y) };
	const west = handle === 'nw' || handle === 'sw';
	const north = handle === 'nw' || handle === 'ne';
	// The fixed corner.
	const fx = west ? shape.x + shape.w : shape.x;
	const fy = north ? shape.y + shape.h : shape.y;
	let w = Math.max(MIN_SIZE, west ? fx - to.x : to.x - fx);
	let h = Math.max(MIN_SIZE, north ? fy - to.y : to.y - fy);
	if (keepRatio && shape.w > 0 && shape.h > 0) {
		const scale = Math.max(w / shape.w, h / shape.h);
		w = Math.max(MIN_SIZE, shape.w * scale);
		h = Math.max(MIN_SIZE, shape.h * scale);
	}
	return { x: round(west ? fx - w : fx), y: round(north ? fy - h : fy), w: round(w), h: round(h) };
}

/**
 * The geometry after growing a shape by `dw` and `dh` (negative shrinks), as the size buttons and Alt + Shift +
 * arrow keys do. The top-left corner stays put (an arrow's start), so the right and bottom edges move the way the
 * key or button points. Shrinking stops at MIN_SIZE, or leaves a side already smaller than that (a thin pen
 * line, a level arrow) as it is; an arrow grows or shrinks along its own direction and never flips.
 */
export function resizeBy(shape: Geometry, dw: number, dh: number): Geometry {
	const side = (length: number, delta: number) => {
		const sign = length < 0 ? -1 : 1;
		const size = Math.abs(length);
		const next = delta < 0 ? Math.max(Math.min(size, MIN_SIZE), size + delta) : size + delta;
		return round(sign * next);
	};
	return { x: shape.x, y: shape.y, w: side(shape.w, dw), h: side(shape.h, dh) };
}

/** The shape moved by (dx, dy). */
export function translate<T extends Geometry>(shape: T, dx: number, dy: number): T {
	return { ...shape, x: round(shape.x + dx), y: round(shape.y + dy) };
}

/** The box spanned by a drag from `a` to `b` (drawing a rectangle or ellipse). */
export function dragBox(a: { x: number; y: number }, b: { x: number; y: number }, square = false): Box {
	let w = Math.abs(b.x - a.x);
	let h = Math.abs(b.y - a.y);
	if (square) w = h = Math.max(w, h);
	return { x: round(b.x < a.x ? a.x - w : a.x), y: round(b.y < a.y ? a.y - h : a.y), w: round(w), h: round(h) };
}
