import * as Y from 'yjs';
import { CANVAS_SHAPES } from '../../src/lib/protocol/docs';

export interface UpdateStats {
	/** Characters inserted (UTF-16 code units): rich text, and the `text` field of canvas shapes. */
	chars: number;
	/** Shapes added or replaced at the top of the canvas map. */
	shapes: number;
}

/**
 * What one decoded update contributes, for attribution. A shape counts when an entry of the root
 * `shapes` map is set to a nested type; moving or recolouring a shape edits that nested map and is
 * counted as an update, not a new shape.
 */
export function statsOf(structs: ReturnType<typeof Y.decodeUpdate>['structs']): UpdateStats {
	let chars = 0;
	let shapes = 0;
	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		const content = struct.content;
		if (content instanceof Y.ContentString) chars += content.str.length;
		// A canvas shape's `text` field (sticky notes, text boxes) is a plain string value.
		else if (content instanceof Y.ContentAny && struct.parentSub === 'text') {
			for (const value of content.arr) if (typeof value === 'string') chars += value.length;
		}
		// In a decoded (not integrated) update, a root type's parent is its name, whatever the typings say.
		else if (content instanceof Y.ContentType && (struct.parent as unknown) === CANVAS_SHAPES && struct.parentSub !== null) shapes += 1;
	}
	return { chars, shapes };
}
