import * as Y from 'yjs';
import { restoreVersion } from '$lib/docs/restore';
import { CANVAS_SHAPES } from '$lib/protocol/docs';
import { readShape, type Shape, type ShapeFields } from './shapes';
import { backwardKey, forwardKey, sortByZ, topKey } from './zorder';

/** A change someone else made, for the screen-reader announcements. */
export interface RemoteChange {
	kind: 'added' | 'deleted';
	shape: Shape;
}

export type ShapePatch = Partial<Omit<ShapeFields, 'type' | 'authorId' | 'authorName' | 'createdAt'>>;

function newShapeId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(9));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The shapes of one canvas over its Yjs map (`doc.getMap('shapes')`), with this person's own undo history:
 * every edit made here is one transaction with this store's origin, and the `Y.UndoManager` tracks only that
 * origin, so undo never takes back what someone else did.
 */
export class ShapeStore {
	readonly #doc: Y.Doc;
	readonly #map: Y.Map<Y.Map<unknown>>;
	readonly #undo: Y.UndoManager;
	readonly #origin = { canvas: true };
	#shapes: Shape[] = [];
	#byId = new Map<string, Shape>();
	/** Shapes as last read, per nested map; dropped when that map changes, so unchanged shapes keep their object. */
	#cache = new WeakMap<Y.Map<unknown>, Shape>();
	readonly #onChange: (() => void) | undefined;
	readonly #onRemoteChange: ((changes: RemoteChange[]) => void) | undefined;

	constructor({ doc, onChange, onRemoteChange }: { doc: Y.Doc; onChange?: () => void; onRemoteChange?: (changes: RemoteChange[]) => void }) {
		this.#doc = doc;
		this.#map = doc.getMap(CANVAS_SHAPES);
		this.#onChange = onChange;
		this.#onRemoteChange = onRemoteChange;
		this.#undo = new Y.UndoManager(this.#map, { trackedOrigins: new Set([this.#origin]), captureTimeout: 400 });
		this.#undo.on('stack-item-added', this.#onStack);
		this.#undo.on('stack-item-popped', this.#onStack);
		this.#undo.on('stack-cleared', this.#onStack);
		this.#map.observeDeep(this.#observe);
		this.#read();
	}

	/** Every shape, back to front. */
	get shapes(): Shape[] {
		return this.#shapes;
	}

	get canUndo(): boolean {
		return this.#undo.canUndo();
	}

	get canRedo(): boolean {
		return this.#undo.canRedo();
	}

	shape(id: string | null): Shape | undefined {
		return id === null ? undefined : this.#byId.get(id);
	}

	/** The z key that puts a new shape in front of everything. */
	nextZ(): string {
		return topKey(this.#shapes);
	}

	/** Stores a new shape (one undo step) and returns its id. */
	add(fields: ShapeFields): string {
		const id = newShapeId();
		this.#transact(() => {
			const entry = new Y.Map<unknown>();
			for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry.set(key, value);
			this.#map.set(id, entry);
		});
		this.#undo.stopCapturing();
		return id;
	}

	/**
	 * Changes some fields of a shape; only fields that differ are written, `undefined` removes one. Each call is
	 * its own undo step, unless `merge`: then quick repeats (keyboard moves) undo together.
	 */
	update(id: string, patch: ShapePatch, { merge = false } = {}): void {
		const entry = this.#map.get(id);
		if (!(entry instanceof Y.Map)) return;
		this.#transact(() => {
			for (const [key, value] of Object.entries(patch)) {
				if (value === undefined) {
					if (entry.has(key)) entry.delete(key);
				} else if (entry.get(key) !== value) entry.set(key, value);
			}
		});
		if (!merge) this.#undo.stopCapturing();
	}

	remove(id: string): void {
		if (!this.#map.has(id)) return;
		this.#transact(() => this.#map.delete(id));
		this.#undo.stopCapturing();
	}

	/** One step towards the front; false when it is already there. */
	bringForward(id: string): boolean {
		const z = forwardKey(this.#shapes, id);
		if (z === null) return false;
		this.update(id, { z });
		return true;
	}

	/** One step towards the back; false when it is already there. */
	sendBackward(id: string): boolean {
		const z = backwardKey(this.#shapes, id);
		if (z === null) return false;
		this.update(id, { z });
		return true;
	}

	/** Makes the shapes equal to a saved version's, as one undoable step of this person's (see restoreVersion). */
	restore(version: Y.Doc): boolean {
		const changed = restoreVersion({ live: this.#doc, version, kind: 'canvas', origin: this.#origin });
		this.#undo.stopCapturing();
		return changed;
	}

	/** Undoes this person's last step (never anyone else's); false when there is nothing to undo. */
	undo(): boolean {
		return this.#undo.undo() !== null;
	}

	redo(): boolean {
		return this.#undo.redo() !== null;
	}

	destroy(): void {
		this.#map.unobserveDeep(this.#observe);
		this.#undo.destroy();
	}

	#transact(fn: () => void): void {
		this.#doc.transact(fn, this.#origin);
	}

	#read(): void {
		const shapes: Shape[] = [];
		const byId = new Map<string, Shape>();
		this.#map.forEach((entry, id) => {
			if (!(entry instanceof Y.Map)) return;
			let shape = this.#cache.get(entry);
			if (!shape) {
				shape = readShape(id, entry) ?? undefined;
				if (!shape) return;
				this.#cache.set(entry, shape);
			}
			shapes.push(shape);
			byId.set(id, shape);
		});
		this.#byId = byId;
		this.#shapes = sortByZ(shapes);
	}

	#observe = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction): void => {
		const before = this.#byId;
		for (const event of events) if (event.target !== this.#map && event.target instanceof Y.Map) this.#cache.delete(event.target);
		this.#read();
		this.#onChange?.();
		if (transaction.local || !this.#onRemoteChange) return;
		const changes: RemoteChange[] = [];
		for (const event of events) {
			if (event.target !== this.#map) continue;
			for (const [id, change] of event.changes.keys) {
				if (change.action === 'update') continue;
				const shape = change.action === 'delete' ? before.get(id) : this.#byId.get(id);
				if (shape) changes.push({ kind: change.action === 'add' ? 'added' : 'deleted', shape });
			}
		}
		if (changes.length > 0) this.#onRemoteChange(changes);
	};

	#onStack = (): void => {
		this.#onChange?.();
	};
}
