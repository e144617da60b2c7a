/**
 * Keyboard moves and resizes, shared by the drawing (when it has focus) and the shape outline: arrow keys move the
 * selected shape one step, Shift a large step; Alt + Shift + arrow keys resize it (Right wider, Left narrower, Down
 * taller, Up shorter). Alt + Shift rather than Alt alone, because Alt + Left and Alt + Right are Back and Forward in
 * browsers, Ctrl + Alt + arrows are screen readers' table keys (and switch desktops on some systems), and Ctrl +
 * arrows switch Spaces on macOS. Canvas directions are physical: Right is +x in every language, because the drawing
 * itself is never mirrored for right-to-left pages.
 */

/** Canvas units per arrow press, and with Shift. */
export const MOVE_STEP = 10;
export const MOVE_STEP_LARGE = 50;
/** Canvas units a shape grows or shrinks per Alt + Shift + arrow press or size button. */
export const RESIZE_STEP = 10;
/** Screen pixels per arrow press when the arrows pan the view (nothing selected). */
export const PAN_STEP = 60;

export interface KeyLike {
	key: string;
	shiftKey?: boolean;
	altKey?: boolean;
	ctrlKey?: boolean;
	metaKey?: boolean;
}

const DIRECTIONS: Record<string, [number, number]> = {
	ArrowLeft: [-1, 0],
	ArrowRight: [1, 0],
	ArrowUp: [0, -1],
	ArrowDown: [0, 1]
};

/** The move for an arrow key, in canvas units, or null for any other key (or with Ctrl, Alt or Meta held). */
export function arrowMove(event: KeyLike): { dx: number; dy: number } | null {
	const dir = DIRECTIONS[event.key];
	if (!dir || event.ctrlKey || event.altKey || event.metaKey) return null;
	const step = event.shiftKey ? MOVE_STEP_LARGE : MOVE_STEP;
	return { dx: dir[0] * step, dy: dir[1] * step };
}

/** The size change for Alt + Shift + an arrow key, in canvas units, or null for anything else. */
export function arrowResize(event: KeyLike): { dw: number; dh: number } | null {
	const dir = DIRECTIONS[event.key];
	if (!dir || !event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return null;
	return { dw: dir[0] * RESIZE_STEP, dh: dir[1] * RESIZE_STEP };
}

export type CanvasCommand = 'undo' | 'redo' | 'delete' | 'zoom-in' | 'zoom-out' | 'zoom-reset' | 'edit' | 'escape' | 'forward' | 'backward';

/** The command a key press asks for, whatever has focus inside the canvas (text fields aside). */
export function commandFor(event: KeyLike): CanvasCommand | null {
	const mod = event.ctrlKey || event.metaKey;
	const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
	// Brackets change the order; on some layouts they need AltGr, which browsers report as Ctrl + Alt.
	if ((key === ']' || key === '[') && !event.metaKey) return key === ']' ? 'forward' : 'backward';
	if (mod && !event.altKey) {
		if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
		if (key === 'y') return 'redo';
		return null;
	}
	if (event.altKey) return null;
	switch (key) {
		case 'Delete':
		case 'Backspace':
			return 'delete';
		case '+':
		case '=':
			return 'zoom-in';
		case '-':
		case '_':
			return 'zoom-out';
		case '0':
			return 'zoom-reset';
		case 'Enter':
			return 'edit';
		case 'Escape':
			return 'escape';
		default:
			return null;
	}
}
