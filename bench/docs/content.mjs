// Document content for the docs benchmark, shared by the client worker: the shape of a Tessera text document
// (a paragraph in the `default` XML fragment, as Tiptap writes it) and the automerge-paper editing trace.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';

export const TRACE = new URL('../../../shared/bench-data/automerge-paper.json.gz', import.meta.url);

/**
 * A getter for the text of the first paragraph of `default`. With `create`, a missing paragraph is made on
 * first use (a local edit); without it, the getter returns null until a paragraph arrives.
 * @returns {() => Y.XmlText}
 */
export function paragraphText(/** @type {Y.Doc} */ doc, create = true) {
	const fragment = doc.getXmlFragment('default');
	return () => {
		let p = fragment.get(0);
		if (!(p instanceof Y.XmlElement)) {
			if (!create) return /** @type {any} */ (null);
			p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText()]);
			fragment.insert(0, [p]);
		}
		return /** @type {Y.XmlText} */ (p.get(0));
	};
}

/** The trace's text after its first `edits` edits (all when undefined), one transaction per edit, as typed. */
export function buildPaperDoc(/** @type {number | undefined} */ edits) {
	/** @type {{ endContent: string, txns: { patches: [number, number, string][] }[] }} */
	const trace = JSON.parse(gunzipSync(readFileSync(TRACE)).toString('utf8'));
	const doc = new Y.Doc();
	const text = paragraphText(doc)();
	const txns = edits === undefined ? trace.txns : trace.txns.slice(0, edits);
	for (const { patches } of txns) {
		doc.transact(() => {
			for (const [pos, del, ins] of patches) {
				if (del) text.delete(pos, del);
				if (ins) text.insert(pos, ins);
			}
		});
	}
	if (edits === undefined && text.toString() !== trace.endContent) throw new Error('replayed trace differs from endContent');
	return doc;
}

/** Quantiles of a sample, in the sample's unit. */
export function summarise(/** @type {number[]} */ values) {
	const v = Float64Array.from(values).sort();
	const q = (/** @type {number} */ p) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : NaN);
	let sum = 0;
	for (const x of v) sum += x;
	return { n: v.length, p50: q(0.5), p99: q(0.99), max: v.length ? v[v.length - 1] : NaN, mean: v.length ? sum / v.length : NaN };
}
