/**
 * Awareness fields a canvas publishes (the same `user` the text editor's carets use):
 * `user: { id, name, color }` and `cursor: { x, y } | null` in canvas units.
 */
export interface CanvasAwarenessState {
	user?: { id?: unknown; name?: unknown; color?: unknown };
	cursor?: { x?: unknown; y?: unknown } | null;
}

/** Someone else's pointer on the canvas. */
export interface RemoteCursor {
	clientId: number;
	userId: string;
	name: string;
	color: string;
	x: number;
	y: number;
}

const FALLBACK_COLOUR = '#1f5f5b';

/**
 * Everyone else's cursors from awareness states (which any peer can fill with anything, so every field is
 * checked). The same person in another tab has a cursor of their own.
 */
export function readCursors(states: Map<number, unknown>, selfClientId: number): RemoteCursor[] {
	const cursors: RemoteCursor[] = [];
	states.forEach((raw, clientId) => {
		if (clientId === selfClientId || !raw || typeof raw !== 'object') return;
		const state = raw as CanvasAwarenessState;
		const name = typeof state.user?.name === 'string' ? state.user.name.slice(0, 60) : '';
		const color = typeof state.user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(state.user.color) ? state.user.color : FALLBACK_COLOUR;
		const userId = typeof state.user?.id === 'string' ? state.user.id : '';
		const c = state.cursor;
		if (!c || typeof c.x !== 'number' || typeof c.y !== 'number' || !Number.isFinite(c.x) || !Number.isFinite(c.y)) return;
		cursors.push({ clientId, userId, name, color, x: c.x, y: c.y });
	});
	return cursors;
}
