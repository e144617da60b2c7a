import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { readCursors, type RemoteCursor } from './peers';
import { ShapeStore, type RemoteChange, type ShapePatch } from './shape-store';
import type { Shape, ShapeFields } from './shapes';

export interface CanvasUser {
	id: string;
	name: string;
	color: string;
}

export type { RemoteChange, RemoteCursor };

/** At most one awareness update per this many milliseconds while the pointer moves. */
const CURSOR_INTERVAL = 50;

/**
 * One canvas's shared state, reactive for Svelte: the shapes (ShapeStore over the Yjs map) and everyone else's
 * cursors (awareness). Edits go through here so the undo history stays this person's own.
 */
export class CanvasManager {
	#shapes = $state.raw<Shape[]>([]);
	#cursors = $state.raw<RemoteCursor[]>([]);
	#canUndo = $state(false);
	#canRedo = $state(false);
	readonly #store: ShapeStore;
	readonly #awareness: Awareness;
	#user: CanvasUser;
	#cursorTimer: ReturnType<typeof setTimeout> | null = null;
	#pendingCursor: { x: number; y: number } | null = null;
	#lastCursorAt = 0;

	constructor({ doc, awareness, user, onRemoteChange }: { doc: Y.Doc; awareness: Awareness; user: CanvasUser; onRemoteChange?: (changes: RemoteChange[]) => void }) {
		this.#awareness = awareness;
		this.#user = user;
		this.#store = new ShapeStore({ doc, onChange: this.#sync, onRemoteChange });
		awareness.on('change', this.#onAwareness);
		awareness.setLocalStateField('user', { ...user });
		this.#sync();
		this.#onAwareness();
	}

	/** Every shape, back to front. */
	get shapes(): Shape[] {
		return this.#shapes;
	}

	get cursors(): RemoteCursor[] {
		return this.#cursors;
	}

	get canUndo(): boolean {
		return this.#canUndo;
	}

	get canRedo(): boolean {
		return this.#canRedo;
	}

	get user(): CanvasUser {
		return this.#user;
	}

	shape(id: string | null): Shape | undefined {
		return this.#store.shape(id);
	}

	nextZ(): string {
		return this.#store.nextZ();
	}

	add(fields: ShapeFields): string {
		return this.#store.add(fields);
	}

	update(id: string, patch: ShapePatch, options?: { merge?: boolean }): void {
		this.#store.update(id, patch, options);
	}

	remove(id: string): void {
		this.#store.remove(id);
	}

	bringForward(id: string): boolean {
		return this.#store.bringForward(id);
	}

	sendBackward(id: string): boolean {
		return this.#store.sendBackward(id);
	}

	restore(version: Y.Doc): boolean {
		return this.#store.restore(version);
	}

	undo(): boolean {
		return this.#store.undo();
	}

	redo(): boolean {
		return this.#store.redo();
	}

	setUser(user: CanvasUser): void {
		this.#user = user;
		this.#awareness.setLocalStateField('user', { ...user });
	}

	/** Publishes this person's pointer (canvas units), or null when it leaves the canvas; throttled. */
	setCursor(point: { x: number; y: number } | null): void {
		this.#pendingCursor = point && { x: Math.round(point.x), y: Math.round(point.y) };
		if (this.#cursorTimer) return;
		const wait = point === null ? 0 : Math.max(0, this.#lastCursorAt + CURSOR_INTERVAL - Date.now());
		this.#cursorTimer = setTimeout(() => {
			this.#cursorTimer = null;
			this.#lastCursorAt = Date.now();
			this.#awareness.setLocalStateField('cursor', this.#pendingCursor);
		}, wait);
	}

	/** Stops listening and withdraws this person's cursor; the doc and awareness belong to the caller. */
	destroy(): void {
		if (this.#cursorTimer) clearTimeout(this.#cursorTimer);
		this.#store.destroy();
		this.#awareness.off('change', this.#onAwareness);
		if (this.#awareness.getLocalState() !== null) this.#awareness.setLocalStateField('cursor', null);
	}

	#sync = (): void => {
		this.#shapes = this.#store.shapes;
		this.#canUndo = this.#store.canUndo;
		this.#canRedo = this.#store.canRedo;
	};

	#onAwareness = (): void => {
		this.#cursors = readCursors(this.#awareness.getStates(), this.#awareness.clientID);
	};
}
