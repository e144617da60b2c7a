import type { Conn, HeldUpdate, LiveDoc } from './live';
import { hasMissingDependencies } from './dependencies';

/**
 * Updates that build on content the server has not seen wait here, outside the Y.Doc — never inside it,
 * where Yjs would park them (and they would be stored) for ever. An honest client sends one only in a
 * race: an edit made before its sync step 2 caught the server up, or one built on another tab's edit that
 * is still in flight. Later updates are not held behind it (the sync step 2 that brings the missing content
 * usually comes later on the same connection); acknowledgements stay in order all the same (relay markDone).
 */
export function mustHold(doc: LiveDoc, held: HeldUpdate): boolean {
	return hasMissingDependencies(held.decoded, doc.ydoc);
}

export function hold(doc: LiveDoc, held: HeldUpdate): void {
	doc.held.push(held);
	held.conn.held += 1;
	held.conn.heldBytes += held.update.byteLength;
}

/** Removes and returns the first held update that can now be applied, if any. */
export function takeReady(doc: LiveDoc): HeldUpdate | null {
	for (let i = 0; i < doc.held.length; i++) {
		const h = doc.held[i]!;
		if (h.conn.closed || hasMissingDependencies(h.decoded, doc.ydoc)) continue;
		doc.held.splice(i, 1);
		h.conn.held -= 1;
		h.conn.heldBytes -= h.update.byteLength;
		return h;
	}
	return null;
}

/** Connections with an update held longer than `maxAgeMs`: the content it needs is not coming. */
export function overdue(doc: LiveDoc, now: number, maxAgeMs: number): Conn[] {
	return [...new Set(doc.held.filter((h) => !h.conn.closed && now - h.at >= maxAgeMs).map((h) => h.conn))];
}

export function dropHeld(doc: LiveDoc, conn: Conn): void {
	if (conn.held === 0) return;
	doc.held = doc.held.filter((h) => h.conn !== conn);
	conn.held = 0;
	conn.heldBytes = 0;
}
