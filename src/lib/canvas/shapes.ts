import { getStroke } from 'perfect-freehand';
import { DEFAULT_COLOUR, isHexColour } from './palette';
import { FIRST_KEY, isZKey } from './zorder';

/**
 * The canvas shape model. A canvas is the Yjs map `doc.getMap('shapes')` (CANVAS_SHAPES): shape id → a nested
 * `Y.Map` holding one shape's fields, so two people editing different fields of one shape both win.
 *
 * Stored fields (stable names: other Yjs tools and the server's attribution read them):
 * | field        | type                | meaning                                                                  |
 * |--------------|---------------------|--------------------------------------------------------------------------|
 * | `type`       | string              | `pen`, `rect`, `ellipse`, `arrow`, `sticky`, `text` or `image`           |
 * | `x`, `y`     | number              | top-left corner in canvas units (an arrow: its start point)              |
 * | `w`, `h`     | number              | size, ≥ 1 (an arrow: the vector from start to end, either sign)          |
 * | `stroke`     | `#rrggbb`           | line and text colour                                                     |
 * | `fill`       | `#rrggbb` or `none` | fill colour (sticky notes are always filled)                             |
 * | `strokeWidth`| number              | line width in canvas units (a pen stroke's diameter)                     |
 * | `z`          | string              | fractional index for z-order, compared as plain strings (zorder.ts)      |
 * | `authorId`   | string              | user id of the person who made it                                        |
 * | `authorName` | string              | their display name when they made it                                     |
 * | `createdAt`  | number              | milliseconds since the Unix epoch                                        |
 * | `points`     | number[]            | pen only: input points, flat `[x0, y0, x1, y1, ...]`, relative to x, y   |
 * | `text`       | string              | sticky and text: the words shown                                         |
 * | `alt`        | string              | a description for people who cannot see the shape (any type)             |
 * | `src`        | string              | image only: a `data:image/...` or `https:` URL                           |
 *
 * Pen points keep the size they were drawn at; when `w`/`h` differ from the points' extent the stroke is scaled
 * to fit, so resizing any shape writes only x, y, w and h.
 */

export const SHAPE_TYPES = ['pen', 'rect', 'ellipse', 'arrow', 'sticky', 'text', 'image'] as const;
export type ShapeType = (typeof SHAPE_TYPES)[number];

export interface ShapeFields {
	type: ShapeType;
	x: number;
	y: number;
	w: number;
	h: number;
	stroke: string;
	fill: string;
	strokeWidth: number;
	z: string;
	authorId: string;
	authorName: string;
	createdAt: number;
	points?: number[];
	text?: string;
	alt?: string;
	src?: string;
}

export interface Shape extends ShapeFields {
	/** The shape's key in the `shapes` map. */
	id: string;
}

export const TEXT_MAX = 2000;
export const ALT_MAX = 500;
export const NAME_MAX = 120;
/** Coordinates are kept within ±COORD_MAX so a runaway drag or a hostile peer cannot make the view unusable. */
export const COORD_MAX = 1_000_000;
/** A pen stroke keeps at most this many points (about a minute of drawing); older ones are thinned. */
export const POINTS_MAX = 4000;

/** Sizes of shapes placed with one click or from the keyboard, in canvas units. */
export const DEFAULT_SIZE: Record<ShapeType, { w: number; h: number }> = {
	pen: { w: 1, h: 1 },
	rect: { w: 160, h: 100 },
	ellipse: { w: 160, h: 100 },
	arrow: { w: 160, h: 0 },
	sticky: { w: 180, h: 180 },
	text: { w: 240, h: 40 },
	image: { w: 240, h: 180 }
};

export const DEFAULT_STROKE_WIDTH: Record<ShapeType, number> = { pen: 6, rect: 3, ellipse: 3, arrow: 3, sticky: 1, text: 0, image: 0 };

/** Types whose `text` is shown and edited. */
export function hasText(type: ShapeType): boolean {
	return type === 'sticky' || type === 'text';
}

function isShapeType(value: unknown): value is ShapeType {
	return typeof value === 'string' && (SHAPE_TYPES as readonly string[]).includes(value);
}

function num(value: unknown, fallback: number): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
	return Math.max(-COORD_MAX, Math.min(COORD_MAX, value));
}

function str(value: unknown, max: number): string | undefined {
	return typeof value === 'string' ? value.slice(0, max) : undefined;
}

/** Rounded to a tenth of a unit: finer than any screen shows, and it keeps documents small. */
export function round(n: number): number {
	return Math.round(n * 10) / 10;
}

/** Anything map-like: a `Y.Map` or a plain record. */
export interface FieldSource {
	get(key: string): unknown;
}

/**
 * Reads one stored shape defensively: another tool (or a hostile peer) may have written anything, so unknown
 * types give null and every field falls back to something drawable.
 */
export function readShape(id: string, source: FieldSource): Shape | null {
	const type = source.get('type');
	if (!isShapeType(type)) return null;
	const size = DEFAULT_SIZE[type];
	const signed = type === 'arrow';
	const dim = (value: unknown, fallback: number) => (signed ? num(value, fallback) : Math.max(1, Math.abs(num(value, fallback))));
	const stroke = source.get('stroke');
	const fill = source.get('fill');
	const z = source.get('z');
	const shape: Shape = {
		id,
		type,
		x: num(source.get('x'), 0),
		y: num(source.get('y'), 0),
		w: dim(source.get('w'), size.w),
		h: dim(source.get('h'), size.h),
		stroke: isHexColour(stroke) ? stroke.toLowerCase() : DEFAULT_COLOUR.ink,
		fill: isHexColour(fill) ? fill.toLowerCase() : type === 'sticky' ? DEFAULT_COLOUR.tint : 'none',
		strokeWidth: Math.min(64, Math.max(0, num(source.get('strokeWidth'), DEFAULT_STROKE_WIDTH[type]))),
		z: isZKey(z) ? z : FIRST_KEY,
		authorId: str(source.get('authorId'), 64) ?? '',
		authorName: str(source.get('authorName'), NAME_MAX) ?? '',
		createdAt: num(source.get('createdAt'), 0)
	};
	if (type === 'pen') shape.points = readPoints(source.get('points'));
	if (hasText(type)) shape.text = str(source.get('text'), TEXT_MAX) ?? '';
	const alt = str(source.get('alt'), ALT_MAX);
	if (alt !== undefined) shape.alt = alt;
	if (type === 'image') {
		const src = str(source.get('src'), 2_000_000);
		if (src !== undefined && /^(data:image\/(png|jpeg|gif|webp);base64,|https:\/\/)/i.test(src)) shape.src = src;
	}
	return shape;
}

function readPoints(value: unknown): number[] {
	if (!Array.isArray(value)) return [];
	const out: number[] = [];
	for (let i = 0; i + 1 < value.length && out.length < POINTS_MAX * 2; i += 2) {
		const x = value[i];
		const y = value[i + 1];
		if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) out.push(num(x, 0), num(y, 0));
	}
	return out;
}

export interface Author {
	id: string;
	name: string;
}

export interface NewShape {
	type: ShapeType;
	x: number;
	y: number;
	w?: number;
	h?: number;
	stroke?: string;
	fill?: string;
	z: string;
	author: Author;
	now: number;
	text?: string;
	alt?: string;
	src?: string;
}

/** The fields of a new shape, ready to store, with defaults for everything left out. */
export function newShapeFields(input: NewShape): ShapeFields {
	const size = DEFAULT_SIZE[input.type];
	const signed = input.type === 'arrow';
	const dim = (v: number | undefined, fallback: number) => round(signed ? (v ?? fallback) : Math.max(1, Math.abs(v ?? fallback)));
	const fields: ShapeFields = {
		type: input.type,
		x: round(input.x),
		y: round(input.y),
		w: dim(input.w, size.w),
		h: dim(input.h, size.h),
		stroke: input.stroke ?? DEFAULT_COLOUR.ink,
		fill: input.fill ?? (input.type === 'sticky' ? DEFAULT_COLOUR.tint : 'none'),
		strokeWidth: DEFAULT_STROKE_WIDTH[input.type],
		z: input.z,
		authorId: input.author.id,
		authorName: input.author.name.slice(0, NAME_MAX),
		createdAt: input.now
	};
	if (hasText(input.type)) fields.text = (input.text ?? '').slice(0, TEXT_MAX);
	if (input.alt !== undefined) fields.alt = input.alt.slice(0, ALT_MAX);
	if (input.type === 'image' && input.src) fields.src = input.src;
	return fields;
}

/**
 * A pen stroke from absolute input points (flat `[x0, y0, ...]`, canvas units): the shape's box is the points'
 * extent and the stored points are relative to its corner, so moving the stroke writes only x and y.
 */
export function penFields(input: Omit<NewShape, 'type' | 'x' | 'y' | 'w' | 'h' | 'fill'> & { points: readonly number[] }): ShapeFields {
	const pts = thin(input.points);
	let minX = Infinity;
	let minY = Infinity;
	let maxX = -Infinity;
	let maxY = -Infinity;
	for (let i = 0; i + 1 < pts.length; i += 2) {
		minX = Math.min(minX, pts[i]!);
		maxX = Math.max(maxX, pts[i]!);
		minY = Math.min(minY, pts[i + 1]!);
		maxY = Math.max(maxY, pts[i + 1]!);
	}
	if (!Number.isFinite(minX)) [minX, minY, maxX, maxY] = [0, 0, 0, 0];
	const fields = newShapeFields({ ...input, type: 'pen', x: minX, y: minY, w: maxX - minX, h: maxY - minY, fill: 'none' });
	// Relative to the rounded corner, so stored points and box agree exactly.
	fields.points = pts.map((v, i) => round(v - (i % 2 === 0 ? fields.x : fields.y)));
	return fields;
}

/** At most POINTS_MAX points: every k-th one, always keeping the last. */
function thin(points: readonly number[]): number[] {
	const n = Math.floor(points.length / 2);
	if (n <= POINTS_MAX) return points.slice(0, n * 2);
	const step = n / POINTS_MAX;
	const out: number[] = [];
	for (let k = 0; k < POINTS_MAX - 1; k++) {
		const i = Math.floor(k * step);
		out.push(points[2 * i]!, points[2 * i + 1]!);
	}
	out.push(points[2 * n - 2]!, points[2 * n - 1]!);
	return out;
}

export interface Box {
	x: number;
	y: number;
	w: number;
	h: number;
}

/** The shape's box with positive width and height (an arrow's vector may point any way). */
export function bounds(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h'>): Box {
	return {
		x: Math.min(shape.x, shape.x + shape.w),
		y: Math.min(shape.y, shape.y + shape.h),
		w: Math.abs(shape.w),
		h: Math.abs(shape.h)
	};
}

/** The smallest box around all `shapes`, or null for none. */
export function unionBounds(shapes: readonly Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'strokeWidth'>[]): Box | null {
	if (shapes.length === 0) return null;
	let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
	for (const s of shapes) {
		const b = bounds(s);
		const pad = s.strokeWidth / 2 + 1;
		x0 = Math.min(x0, b.x - pad);
		y0 = Math.min(y0, b.y - pad);
		x1 = Math.max(x1, b.x + b.w + pad);
		y1 = Math.max(y1, b.y + b.h + pad);
	}
	return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * The outline of a pen stroke as an SVG path (absolute canvas units), made by perfect-freehand from the
 * stored points, scaled when the box was resized.
 */
export function penPath(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'points' | 'strokeWidth'>): string {
	const pts = shape.points ?? [];
	if (pts.length < 2) return '';
	let extentX = 0;
	let extentY = 0;
	for (let i = 0; i + 1 < pts.length; i += 2) {
		extentX = Math.max(extentX, pts[i]!);
		extentY = Math.max(extentY, pts[i + 1]!);
	}
	const sx = extentX > 0.5 ? shape.w / extentX : 1;
	const sy = extentY > 0.5 ? shape.h / extentY : 1;
	const input: [number, number][] = [];
	for (let i = 0; i + 1 < pts.length; i += 2) input.push([shape.x + pts[i]! * sx, shape.y + pts[i + 1]! * sy]);
	const outline = getStroke(input, { size: Math.max(1, shape.strokeWidth), thinning: 0.5, smoothing: 0.5, streamline: 0.5, last: true });
	return outlineToPath(outline);
}

/** A closed path through the outline points, with quadratic curves between midpoints (perfect-freehand's recipe). */
function outlineToPath(points: number[][]): string {
	if (points.length < 2) return '';
	const f = (n: number) => String(Math.round(n * 100) / 100);
	const first = points[0]!;
	let d = `M${f(first[0]!)} ${f(first[1]!)}Q`;
	for (let i = 0; i < points.length; i++) {
		const [x0, y0] = points[i]!;
		const [x1, y1] = points[(i + 1) % points.length]!;
		d += `${f(x0!)} ${f(y0!)} ${f((x0! + x1!) / 2)} ${f((y0! + y1!) / 2)} `;
	}
	return `${d.trimEnd()}Z`;
}
