import * as Y from 'yjs';
import { CANVAS_SHAPES, TEXT_FRAGMENT, type DocumentKind } from '$lib/protocol/docs';

/**
 * Restoring a version is an ordinary local edit of the live document: one transaction, made with an
 * origin the editor's Y.UndoManager tracks, so it syncs to everyone like typing does and Ctrl+Z undoes it.
 * Nothing here touches the network; the caller passes both documents and the origin.
 */
export interface RestoreInput {
	/** The live, connected document. */
	live: Y.Doc;
	/** The version's content, built from its stored update (`versionDoc`). */
	version: Y.Doc;
	kind: DocumentKind;
	/** The transaction origin; pass one the undo manager tracks so the restore can be undone. */
	origin: unknown;
}

/** Makes the live document's content equal to the version's, in one transaction. Returns whether anything changed. */
export function restoreVersion({ live, version, kind, origin }: RestoreInput): boolean {
	let changed = false;
	live.transact(() => {
		changed =
			kind === 'text'
				? replaceFragment(live.getXmlFragment(TEXT_FRAGMENT), version.getXmlFragment(TEXT_FRAGMENT))
				: syncMap(live.getMap(CANVAS_SHAPES), version.getMap(CANVAS_SHAPES));
	}, origin);
	return changed;
}

/** A document built from a version's base64 `Y.encodeStateAsUpdate`. */
export function versionDoc(updateBase64: string): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, base64ToBytes(updateBase64));
	return doc;
}

export function base64ToBytes(base64: string): Uint8Array {
	const binary = atob(base64);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/**
 * Text: the fragment's children are replaced by clones of the version's. Rich text has no stable identity
 * worth keeping block by block, and one delete plus one insert undoes cleanly.
 */
function replaceFragment(target: Y.XmlFragment, source: Y.XmlFragment): boolean {
	if (sameXml(target, source)) return false;
	if (target.length > 0) target.delete(0, target.length);
	// XmlHooks are cloned as what they are; insert's type just does not list them.
	const clones = source.toArray().map((node) => node.clone()) as (Y.XmlElement | Y.XmlText)[];
	if (clones.length > 0) target.insert(0, clones);
	return true;
}

function sameXml(a: Y.XmlFragment, b: Y.XmlFragment): boolean {
	if (a.length !== b.length) return false;
	// toString() includes element names, attributes and formatted text, so equal strings mean equal content.
	return a.toString() === b.toString();
}

/**
 * Canvas: the map is made equal to the version's key by key. A shape present in both keeps its identity
 * (its Y.Map) and only its differing fields change, so a shape someone is dragging is not torn out and
 * re-added; shapes added since the version are deleted, shapes deleted since are added back as clones.
 */
function syncMap(target: Y.Map<unknown>, source: Y.Map<unknown>): boolean {
	let changed = false;
	for (const key of [...target.keys()]) {
		if (!source.has(key)) {
			target.delete(key);
			changed = true;
		}
	}
	for (const [key, value] of source.entries()) {
		const current = target.get(key);
		if (value instanceof Y.Map && current instanceof Y.Map) {
			if (syncMap(current, value)) changed = true;
		} else if (value instanceof Y.AbstractType) {
			if (!(current instanceof Y.AbstractType) || current.constructor !== value.constructor || !sameJson(current.toJSON(), value.toJSON())) {
				target.set(key, value.clone());
				changed = true;
			}
		} else if (!target.has(key) || current instanceof Y.AbstractType || !sameJson(current, value)) {
			target.set(key, value);
			changed = true;
		}
	}
	return changed;
}

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether the live document already looks exactly like the version (restoring would change nothing). */
export function sameContent({ live, version, kind }: Omit<RestoreInput, 'origin'>): boolean {
	return kind === 'text'
		? sameXml(live.getXmlFragment(TEXT_FRAGMENT), version.getXmlFragment(TEXT_FRAGMENT))
		: sameJson(live.getMap(CANVAS_SHAPES).toJSON(), version.getMap(CANVAS_SHAPES).toJSON());
}
