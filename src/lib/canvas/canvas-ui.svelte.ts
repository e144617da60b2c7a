import { getLocale } from '$lib/paraglide/runtime.js';
import { m } from '$lib/paraglide/messages.js';
import type { CanvasManager } from './canvas-manager.svelte';
import { downloadBlob, svgToPng } from './download';
import { imageDataUrl } from './image';
import { exportArea, fileName, toSvg } from './export';
import { resizeBy, translate, type Geometry } from './geometry';
import { describeShape, shapeName } from './labels';
import { DEFAULT_COLOUR, paletteEntryOf, type PaletteColour } from './palette';
import { textHeight } from './render';
import { bounds, DEFAULT_SIZE, newShapeFields, penFields, unionBounds, type Shape, type ShapeType } from './shapes';
import { clampZoom, fitView, HOME, toCanvas, viewCentre, zoomAt, ZOOM_STEP, type Point, type Viewport } from './viewport';

export const TOOLS = ['select', 'pen', 'rect', 'ellipse', 'arrow', 'sticky', 'text'] as const;
export type Tool = (typeof TOOLS)[number];

/** Shapes that can be placed from the keyboard (a pen stroke needs a pointer). */
export const KEYBOARD_SHAPES = ['sticky', 'text', 'rect', 'ellipse', 'arrow'] as const satisfies readonly ShapeType[];

/**
 * What one person is doing with a canvas: tool, colour, selection, view, the open editor and the last
 * announcement; and the actions the toolbar, the drawing and the outline share. The shared data is the
 * CanvasManager's; this is only this browser tab's.
 */
export class CanvasUi {
	tool = $state<Tool>('select');
	colour = $state<PaletteColour>(DEFAULT_COLOUR);
	filled = $state(false);
	selectedId = $state<string | null>(null);
	/** The shape whose text and description are being edited. */
	editingId = $state<string | null>(null);
	/** Where focus goes back to when the editor closes: the drawing or the shape's item in the outline. */
	editFrom: 'stage' | 'outline' = 'outline';
	view = $state<Viewport>(HOME);
	/** The stage's size in CSS pixels. */
	size = $state({ width: 800, height: 480 });
	/** The polite live region's text. */
	announcement = $state('');
	exportError = $state('');
	imageError = $state('');
	readonly manager: CanvasManager;
	readonly #readOnly: () => boolean;
	readonly #title: () => string;
	readonly #domId: string;
	#announceTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(manager: CanvasManager, { readOnly, title, domId }: { readOnly: () => boolean; title: () => string; domId: string }) {
		this.manager = manager;
		this.#domId = domId;
		this.#readOnly = readOnly;
		this.#title = title;
	}

	/** The id of a shape's item in the outline. */
	itemDomId(shapeId: string): string {
		return `${this.#domId}-shape-${shapeId}`;
	}

	get readOnly(): boolean {
		return this.#readOnly();
	}

	get selected(): Shape | undefined {
		return this.manager.shape(this.selectedId);
	}

	get zoomText(): string {
		return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(this.view.zoom);
	}

	/** Says `text` in the live region; the same words twice in a row are still read. */
	announce(text: string): void {
		if (this.#announceTimer) clearTimeout(this.#announceTimer);
		this.announcement = '';
		this.#announceTimer = setTimeout(() => {
			this.#announceTimer = null;
			this.announcement = text;
		}, 30);
	}

	select(id: string | null): void {
		this.selectedId = id;
	}

	/** Adds a shape of `type` centred on `at` (canvas units) in the current colour; returns its id. */
	add(type: ShapeType, at: Point, size?: { w: number; h: number }, src?: string): string | null {
		if (this.readOnly) return null;
		const { w, h } = size ?? DEFAULT_SIZE[type];
		const filled = type === 'sticky' || (this.filled && (type === 'rect' || type === 'ellipse'));
		const fields = newShapeFields({
			type,
			x: at.x - w / 2,
			y: at.y - h / 2,
			w,
			h,
			stroke: this.colour.ink,
			fill: filled ? this.colour.tint : 'none',
			z: this.manager.nextZ(),
			author: this.manager.user,
			now: Date.now(),
			src
		});
		const id = this.manager.add(fields);
		this.selectedId = id;
		this.announce(m.canvas_announce_added({ shape: shapeName(fields) }));
		return id;
	}

	/** An image from a file, in the middle of the view, then its editor so it gets a description. */
	async addImage(file: Blob): Promise<string | null> {
		if (this.readOnly) return null;
		this.imageError = '';
		try {
			const image = await imageDataUrl(file);
			// At most 320 canvas units on its longer side.
			const scale = Math.min(1, 320 / Math.max(image.width, image.height));
			const id = this.add('image', viewCentre(this.view, this.size), { w: Math.round(image.width * scale), h: Math.round(image.height * scale) }, image.src);
			if (id) this.startEdit(id);
			return id;
		} catch (error) {
			console.error('[canvas] image could not be read', error);
			this.imageError = m.canvas_image_failed();
			return null;
		}
	}

	/** Adds a shape with the box dragged out on the drawing. */
	addBox(type: ShapeType, box: Geometry): string | null {
		if (this.readOnly) return null;
		const filled = type === 'sticky' || (this.filled && (type === 'rect' || type === 'ellipse'));
		const fields = newShapeFields({
			type,
			...box,
			stroke: this.colour.ink,
			fill: filled ? this.colour.tint : 'none',
			z: this.manager.nextZ(),
			author: this.manager.user,
			now: Date.now()
		});
		const id = this.manager.add(fields);
		this.selectedId = id;
		this.announce(m.canvas_announce_added({ shape: shapeName(fields) }));
		return id;
	}

	/** The fields a draft shape would have (drawn locally until the pointer lifts). */
	draftFields(type: ShapeType, box: Geometry): Shape {
		const filled = type === 'sticky' || (this.filled && (type === 'rect' || type === 'ellipse'));
		return { id: 'draft', ...newShapeFields({ type, ...box, stroke: this.colour.ink, fill: filled ? this.colour.tint : 'none', z: 'z', author: this.manager.user, now: 0 }) };
	}

	draftPen(points: readonly number[]): Shape {
		return { id: 'draft', ...penFields({ points, stroke: this.colour.ink, z: 'z', author: this.manager.user, now: 0 }) };
	}

	addPen(points: readonly number[]): string | null {
		if (this.readOnly || points.length < 2) return null;
		const fields = penFields({ points, stroke: this.colour.ink, z: this.manager.nextZ(), author: this.manager.user, now: Date.now() });
		const id = this.manager.add(fields);
		this.announce(m.canvas_announce_added({ shape: shapeName(fields) }));
		return id;
	}

	/** From the keyboard: a shape in the middle of the view; sticky notes and text open their editor. */
	addInView(type: ShapeType): string | null {
		const id = this.add(type, viewCentre(this.view, this.size));
		if (id && (type === 'sticky' || type === 'text')) this.startEdit(id);
		return id;
	}

	/** Stores the geometry a drag or resize ended with. */
	commitGeometry(id: string, geometry: Geometry): void {
		if (this.readOnly) return;
		this.manager.update(id, geometry);
	}

	/** Keyboard move of the selected shape (quick repeats undo as one step). */
	moveSelected(dx: number, dy: number): void {
		const shape = this.selected;
		if (!shape) return;
		if (this.readOnly) return this.announce(m.canvas_announce_read_only());
		const moved = translate(shape, dx, dy);
		this.manager.update(shape.id, { x: moved.x, y: moved.y }, { merge: true });
		this.reveal(moved);
		this.announce(m.canvas_announce_moved({ shape: shapeName(shape), x: Math.round(moved.x), y: Math.round(moved.y) }));
	}

	/** Keyboard or button resize of the selected shape by (dw, dh), from its top-left corner (quick repeats undo as one step). */
	resizeSelected(dw: number, dh: number): void {
		const shape = this.selected;
		if (!shape) return;
		if (this.readOnly) return this.announce(m.canvas_announce_read_only());
		const next = resizeBy(shape, dw, dh);
		if (next.w === shape.w && next.h === shape.h) return this.announce(m.canvas_announce_smallest({ shape: shapeName(shape) }));
		this.manager.update(shape.id, { w: next.w, h: next.h }, { merge: true });
		this.reveal(next);
		this.announce(m.canvas_announce_resized({ shape: shapeName(shape), w: Math.round(Math.abs(next.w)), h: Math.round(Math.abs(next.h)) }));
	}

	deleteShape(id: string | null = this.selectedId): void {
		const shape = this.manager.shape(id);
		if (!shape) return;
		if (this.readOnly) return this.announce(m.canvas_announce_read_only());
		this.manager.remove(shape.id);
		if (this.selectedId === shape.id) this.selectedId = null;
		if (this.editingId === shape.id) this.editingId = null;
		this.announce(m.canvas_announce_deleted({ shape: shapeName(shape) }));
	}

	forward(): void {
		const shape = this.selected;
		if (!shape || this.readOnly) return;
		const moved = this.manager.bringForward(shape.id);
		this.announce(moved ? m.canvas_announce_forward({ shape: shapeName(shape) }) : m.canvas_announce_at_front({ shape: shapeName(shape) }));
	}

	backward(): void {
		const shape = this.selected;
		if (!shape || this.readOnly) return;
		const moved = this.manager.sendBackward(shape.id);
		this.announce(moved ? m.canvas_announce_backward({ shape: shapeName(shape) }) : m.canvas_announce_at_back({ shape: shapeName(shape) }));
	}

	undo(): void {
		if (this.readOnly) return;
		this.announce(this.manager.undo() ? m.canvas_announce_undo() : m.canvas_announce_nothing_undo());
		this.forgetMissing();
	}

	redo(): void {
		if (this.readOnly) return;
		this.announce(this.manager.redo() ? m.canvas_announce_redo() : m.canvas_announce_nothing_redo());
		this.forgetMissing();
	}

	/** A new colour for what is drawn next, and for the selected shape. */
	setColour(colour: PaletteColour): void {
		this.colour = colour;
		const shape = this.selected;
		if (!shape || this.readOnly) return;
		const filled = shape.fill !== 'none' || shape.type === 'sticky';
		this.manager.update(shape.id, { stroke: colour.ink, ...(filled ? { fill: colour.tint } : {}) });
	}

	setFilled(filled: boolean): void {
		this.filled = filled;
		const shape = this.selected;
		if (!shape || this.readOnly || (shape.type !== 'rect' && shape.type !== 'ellipse')) return;
		const colour = paletteEntryOf(shape.stroke) ?? this.colour;
		this.manager.update(shape.id, { fill: filled ? colour.tint : 'none' });
	}

	startEdit(id: string | null = this.selectedId, from: 'stage' | 'outline' = 'outline'): void {
		if (this.readOnly || !this.manager.shape(id)) return;
		this.editFrom = from;
		this.selectedId = id;
		this.editingId = id;
	}

	/** Saves the editor's text and description; a text shape grows or shrinks to fit its words, and goes if it has none. */
	finishEdit(id: string, values: { text?: string; alt: string }): void {
		const shape = this.manager.shape(id);
		this.editingId = null;
		if (!shape || this.readOnly) return;
		if (shape.type === 'text' && values.text !== undefined && values.text.trim() === '') return this.deleteShape(id);
		const patch: { text?: string; alt?: string; h?: number } = { alt: values.alt.trim() || undefined };
		if (values.text !== undefined) patch.text = values.text;
		if (shape.type === 'text' && values.text !== undefined) patch.h = textHeight(values.text, shape.w);
		this.manager.update(id, patch);
		this.announce(m.canvas_announce_saved({ shape: shapeName({ ...shape, ...patch }) }));
	}

	/** Closes the editor; a text shape left without words (just placed, say) would be invisible, so it goes. */
	cancelEdit(): void {
		const shape = this.manager.shape(this.editingId);
		this.editingId = null;
		if (shape?.type === 'text' && !shape.text?.trim()) this.deleteShape(shape.id);
	}

	zoomBy(factor: number, at?: Point): void {
		const anchor = at ?? { x: this.size.width / 2, y: this.size.height / 2 };
		this.view = zoomAt(this.view, anchor, clampZoom(this.view.zoom * factor));
	}

	zoomIn(): void {
		this.zoomBy(ZOOM_STEP);
		this.announce(m.canvas_announce_zoom({ percent: this.zoomText }));
	}

	zoomOut(): void {
		this.zoomBy(1 / ZOOM_STEP);
		this.announce(m.canvas_announce_zoom({ percent: this.zoomText }));
	}

	/** Fits every shape in view (at most 100 %). */
	zoomFit(): void {
		this.view = fitView(unionBounds(this.manager.shapes), this.size);
		this.announce(m.canvas_announce_zoom({ percent: this.zoomText }));
	}

	/** Pans so that `shape` is in view, if it is not already. */
	reveal(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h'>): void {
		const box = bounds(shape);
		const topLeft = this.view;
		const bottomRight = toCanvas(this.view, { x: this.size.width, y: this.size.height });
		const inside = box.x >= topLeft.x && box.y >= topLeft.y && box.x + box.w <= bottomRight.x && box.y + box.h <= bottomRight.y;
		if (inside) return;
		const centre = { x: box.x + box.w / 2, y: box.y + box.h / 2 };
		this.view = { ...this.view, x: centre.x - this.size.width / 2 / this.view.zoom, y: centre.y - this.size.height / 2 / this.view.zoom };
	}

	svg(): string {
		return toSvg(this.manager.shapes, { title: this.#title() || m.canvas_export_title(), describe: describeShape });
	}

	exportSvg(): void {
		this.exportError = '';
		downloadBlob(new Blob([this.svg()], { type: 'image/svg+xml' }), fileName(this.#title(), 'svg'));
	}

	async exportPng(): Promise<void> {
		this.exportError = '';
		try {
			const blob = await svgToPng(this.svg(), exportArea(this.manager.shapes));
			downloadBlob(blob, fileName(this.#title(), 'png'));
		} catch (error) {
			console.error('[canvas] PNG export failed', error);
			this.exportError = m.canvas_export_failed();
		}
	}

	/** After undo, redo or someone else's edit: forget a selection or editor whose shape is gone. */
	forgetMissing(): void {
		if (this.selectedId && !this.manager.shape(this.selectedId)) this.selectedId = null;
		if (this.editingId && !this.manager.shape(this.editingId)) this.editingId = null;
	}

	reset(): void {
		if (this.#announceTimer) clearTimeout(this.#announceTimer);
		this.tool = 'select';
		this.selectedId = null;
		this.editingId = null;
		this.view = HOME;
		this.announcement = '';
		this.exportError = '';
		this.imageError = '';
	}
}
