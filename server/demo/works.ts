import * as Y from 'yjs';

/** A paragraph of a shared text and who wrote it. */
export interface Paragraph {
	text: string;
	authorId: string;
}

/** A text document as the editor stores it: the `default` XmlFragment of paragraphs (Tiptap's Collaboration). */
export function textState(paragraphs: Paragraph[]): Uint8Array {
	const doc = new Y.Doc();
	const fragment = doc.getXmlFragment('default');
	const nodes = paragraphs.map((p) => {
		const el = new Y.XmlElement('paragraph');
		el.insert(0, [new Y.XmlText(p.text)]);
		return el;
	});
	fragment.insert(0, nodes);
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

/** The stored fields of one canvas shape (src/lib/canvas/shapes.ts). */
export type ShapeRecord = Record<string, string | number | number[]>;

/** A canvas as the canvas stores it: the `shapes` map of shape id → nested map of fields. */
export function canvasState(shapes: Array<{ id: string; fields: ShapeRecord }>): Uint8Array {
	const doc = new Y.Doc();
	const map = doc.getMap<Y.Map<unknown>>('shapes');
	doc.transact(() => {
		for (const shape of shapes) {
			const entry = new Y.Map<unknown>();
			map.set(shape.id, entry);
			for (const [key, value] of Object.entries(shape.fields)) entry.set(key, value);
		}
	});
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}
