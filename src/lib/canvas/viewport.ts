/**
 * The view onto the endless canvas: `x`, `y` are the canvas coordinates at the stage's top-left corner and
 * `zoom` is screen pixels per canvas unit. Screen points are relative to the stage, in CSS pixels.
 */
export interface Viewport {
	x: number;
	y: number;
	zoom: number;
}

export interface Point {
	x: number;
	y: number;
}

export const ZOOM_MIN = 0.2;
export const ZOOM_MAX = 5;
/** One press of a zoom button or key. */
export const ZOOM_STEP = 1.25;

export const HOME: Viewport = { x: 0, y: 0, zoom: 1 };

export function clampZoom(zoom: number): number {
	if (!Number.isFinite(zoom)) return 1;
	return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));
}

/** The canvas point under a screen point. */
export function toCanvas(view: Viewport, screen: Point): Point {
	return { x: view.x + screen.x / view.zoom, y: view.y + screen.y / view.zoom };
}

/** The screen point where a canvas point is drawn. */
export function toScreen(view: Viewport, point: Point): Point {
	return { x: (point.x - view.x) * view.zoom, y: (point.y - view.y) * view.zoom };
}

/** Zooms to `zoom` (clamped) keeping the canvas point under `screen` where it is, as wheel and pinch do. */
export function zoomAt(view: Viewport, screen: Point, zoom: number): Viewport {
	const next = clampZoom(zoom);
	const anchor = toCanvas(view, screen);
	return { x: anchor.x - screen.x / next, y: anchor.y - screen.y / next, zoom: next };
}

/** Moves the view by a screen distance (dragging the paper moves it with the pointer, so the view goes the other way). */
export function panBy(view: Viewport, dx: number, dy: number): Viewport {
	return { ...view, x: view.x - dx / view.zoom, y: view.y - dy / view.zoom };
}

/** The canvas point at the middle of a stage of the given size: where keyboard-made shapes appear. */
export function viewCentre(view: Viewport, size: { width: number; height: number }): Point {
	return toCanvas(view, { x: size.width / 2, y: size.height / 2 });
}

/** The SVG `viewBox` for the view on a stage of the given size. */
export function viewBox(view: Viewport, size: { width: number; height: number }): string {
	const w = Math.max(1, size.width) / view.zoom;
	const h = Math.max(1, size.height) / view.zoom;
	return `${view.x} ${view.y} ${w} ${h}`;
}

/** A view that shows `box` whole, centred, at no more than 100 %, with a margin in screen pixels. */
export function fitView(box: { x: number; y: number; w: number; h: number } | null, size: { width: number; height: number }, margin = 32): Viewport {
	if (!box) return HOME;
	const zoom = clampZoom(Math.min(1, (size.width - 2 * margin) / Math.max(1, box.w), (size.height - 2 * margin) / Math.max(1, box.h)));
	return { x: box.x + box.w / 2 - size.width / 2 / zoom, y: box.y + box.h / 2 - size.height / 2 / zoom, zoom };
}
