/** The console's one-keystroke actions. */
export type ConsoleAction = 'approve' | 'reject' | 'resolve' | 'dismiss' | 'delete' | 'mute' | 'lock';

/** Key (as `KeyboardEvent.key`, lower case) → action, the same in every UI language so the hints stay true. */
export const ACTION_KEYS: Record<ConsoleAction, string> = {
	approve: 'a',
	reject: 'r',
	resolve: 'v',
	dismiss: 'x',
	delete: 'd',
	mute: 'm',
	lock: 'l'
};

/** Actions that change something for people in the space or hide content: asked again before they run. */
export const CONFIRMED: ReadonlySet<ConsoleAction> = new Set(['delete', 'mute', 'lock']);

/**
 * The action a key press asks for on a focused item, or null: plain letters only (no Ctrl, Alt or Meta, not while
 * typing in a field), and only actions the item offers.
 */
export function actionForKey(
	e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean; target: unknown },
	offered: readonly ConsoleAction[]
): ConsoleAction | null {
	if (e.ctrlKey || e.altKey || e.metaKey) return null;
	const t = e.target as { tagName?: string; isContentEditable?: boolean } | null;
	if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName ?? ''))) return null;
	const key = e.key.toLowerCase();
	return offered.find((a) => ACTION_KEYS[a] === key) ?? null;
}
