import * as Y from 'yjs';
import { CANVAS_SHAPES, type DocumentKind } from '../../src/lib/protocol/docs';
import type { Decision, ModerationPipeline, PolicyView } from '../moderation/pipeline';

/**
 * Moderation of text written into documents and canvases.
 *
 * Chat messages are checked before they are stored; document text arrives a keystroke at a time and is
 * relayed at once, so it is checked where it lands instead. Inside the transaction that applies a client's
 * update, the immediate hooks (word lists, contact details) read the paragraph or sticky note the update
 * touched. When they hold or block, the author's part of it is deleted in that same transaction: the update
 * that goes out carries the insertion and its deletion together, with the deleted text already garbage
 * collected, so other readers never receive it. The author's own copy receives the deletion too. Held text
 * waits in the moderation queue with the place it came from and goes back there when a moderator approves.
 *
 * Hooks that are not immediate (the classifier webhook) read a text once its author has paused; what they
 * hold or block is then removed the same way, in a transaction of the server's own.
 */

/** Where removed text came from, so an approval can put it back. */
export type TextPlace =
	| { type: 'text'; /** A Yjs relative position, base64. */ position: string }
	| { type: 'field'; shapeId: string; field: ShapeTextField };

export type ShapeTextField = 'text' | 'alt';
const SHAPE_TEXT_FIELDS: readonly ShapeTextField[] = ['text', 'alt'];

/** Something the pipeline took out of a document. */
export interface DocFinding {
	documentId: string;
	spaceId: string;
	authorId: string;
	action: 'hold' | 'block';
	hook: string;
	reason: string;
	/** The text removed, as written. */
	text: string;
	place: TextPlace;
	minorsPresent: boolean;
}

export interface DocModerationContext {
	minorsPresent: boolean;
	policy: PolicyView;
}

/**
 * Characters read before and after an edit: matches are local (a phrase of a few words, a phone number or an address
 * spelled out), and a long paragraph must not cost each keystroke its length.
 */
const WINDOW_BEFORE = 120;
const WINDOW_AFTER = 60;
/** The longest field text checked (canvas texts are capped below this by the client). */
const FIELD_MAX = 8000;

/** The text nodes and shape fields a transaction changed, with the Yjs client ids that wrote into them. */
export type Target = { type: 'text'; node: Y.XmlText } | { type: 'field'; shape: Y.Map<unknown>; shapeId: string; field: ShapeTextField };

function isNew(type: { _item: Y.Item | null }, tr: Y.Transaction): boolean {
	const item = type._item;
	return item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

/** Text nodes inside a type created in this transaction (Yjs reports only its parent as changed). */
function collectNewText(type: unknown, out: Set<Y.XmlText>): void {
	if (type instanceof Y.XmlText) return void out.add(type);
	if (!(type instanceof Y.XmlElement) && !(type instanceof Y.XmlFragment)) return;
	for (let n = type._start; n; n = n.right) {
		if (n.deleted) continue;
		const child = n.content instanceof Y.ContentType ? n.content.type : null;
		if (child) collectNewText(child, out);
	}
}

export function changedTargets(tr: Y.Transaction, kind: DocumentKind, ydoc: Y.Doc): Target[] {
	const targets: Target[] = [];
	if (kind === 'text') {
		const nodes = new Set<Y.XmlText>();
		for (const [type] of tr.changed) {
			if (type instanceof Y.XmlText) {
				nodes.add(type);
				continue;
			}
			if (!(type instanceof Y.XmlElement) && !(type instanceof Y.XmlFragment)) continue;
			for (let n = type._start; n; n = n.right) {
				if (n.deleted || !(n.content instanceof Y.ContentType)) continue;
				const child = n.content.type;
				if (isNew(child, tr)) collectNewText(child, nodes);
			}
		}
		for (const node of nodes) if (!node._item?.deleted) targets.push({ type: 'text', node });
		return targets;
	}
	const shapes = ydoc.getMap<unknown>(CANVAS_SHAPES);
	for (const [type, keys] of tr.changed) {
		if ((type as unknown) === shapes) {
			for (const key of keys) {
				const shape = key === null ? undefined : shapes.get(key);
				if (!(shape instanceof Y.Map) || !isNew(shape, tr)) continue;
				for (const field of SHAPE_TEXT_FIELDS) if (typeof shape.get(field) === 'string' && shape.get(field) !== '') targets.push({ type: 'field', shape, shapeId: key!, field });
			}
		} else if (type instanceof Y.Map && type._item?.parent === shapes && !type._item.deleted) {
			for (const field of SHAPE_TEXT_FIELDS) if (keys.has(field) && typeof type.get(field) === 'string') targets.push({ type: 'field', shape: type, shapeId: type._item.parentSub!, field });
		}
	}
	return targets;
}

/** One visible run of characters in a text node, with the Yjs id of its first one. */
interface Run {
	index: number;
	str: string;
	client: number;
	clock: number;
}

function runs(node: Y.XmlText): Run[] {
	const out: Run[] = [];
	let index = 0;
	for (let n = node._start; n; n = n.right) {
		if (n.deleted || !n.countable) continue;
		if (n.content instanceof Y.ContentString) out.push({ index, str: n.content.str, client: n.id.client, clock: n.id.clock });
		index += n.length;
	}
	return out;
}

/** The node's text with embeds as U+FFFC, so that string indexes are Yjs indexes. */
function textOf(node: Y.XmlText): string {
	let s = '';
	let index = 0;
	for (const r of runs(node)) {
		if (r.index > index) s += '\uFFFC'.repeat(r.index - index);
		s += r.str;
		index = r.index + r.str.length;
	}
	return s + '\uFFFC'.repeat(Math.max(0, node.length - index));
}

type Range = [start: number, end: number];

/** The index ranges of characters written by `clients`, from `sinceClock` on for each (0: all of them). */
function rangesOf(list: Run[], since: ReadonlyMap<number, number>, from = 0, to = Infinity): Range[] {
	const out: Range[] = [];
	for (const r of list) {
		const start = since.get(r.client);
		if (start === undefined) continue;
		const skip = Math.max(0, start - r.clock);
		const a = Math.max(r.index + skip, from);
		const b = Math.min(r.index + r.str.length, to);
		if (a >= b) continue;
		const last = out.at(-1);
		if (last && last[1] === a) last[1] = b;
		else out.push([a, b]);
	}
	return out;
}

function without(text: string, ranges: Range[]): string {
	let s = '';
	let at = 0;
	for (const [a, b] of ranges) {
		s += text.slice(at, a);
		at = b;
	}
	return s + text.slice(at);
}

/** From the start of the sentence holding `lo` to the end of the one holding `hi`. */
function sentenceAround(text: string, lo: number, hi: number): Range {
	let a = lo;
	while (a > 0 && !/[.!?。！？\n]\s?$/u.test(text.slice(Math.max(0, a - 2), a))) a--;
	let b = hi;
	while (b < text.length && !/[.!?。！？\n]/u.test(text[b - 1] ?? '')) b++;
	return [a, b];
}

export interface CheckInput {
	spaceId: string;
	authorId: string;
	authorName: string;
	context: DocModerationContext;
}

type Check = (text: string) => Decision;

/** What a finding removed, before it becomes a `DocFinding`. */
export interface Removal {
	decision: Decision;
	text: string;
	place: TextPlace;
}

/**
 * Checks a text node after a client's update and, when the immediate hooks object, deletes the author's part
 * of it: the sentence being written up to the edit when that is enough, else that whole sentence, else
 * everything they wrote around the edit.
 * Runs inside the transaction that applied the update.
 */
export function inspectText(node: Y.XmlText, tr: Y.Transaction, check: Check): Removal | null {
	// An allowed keystroke (nearly all of them) costs the window around it, not the paragraph: a long text is
	// walked, and copied whole, only when a hook objects or one update wrote in several places of it.
	const added = addedItems(node, tr).filter((item) => item.content instanceof Y.ContentString);
	if (added.length === 0) return null;
	let decision: Decision;
	let edit: { lo: number; hi: number } | null = null;
	if (added.length === 1) {
		const item = added[0]!;
		const offset = Math.max(0, (tr.beforeState.get(item.id.client) ?? 0) - item.id.clock);
		const str = (item.content as Y.ContentString).str;
		const before = (textBefore(item, WINDOW_BEFORE) + str.slice(0, offset)).slice(-WINDOW_BEFORE);
		decision = check(before + str.slice(offset) + textAfter(item, WINDOW_AFTER));
	} else {
		edit = editedRange(node, tr);
		if (!edit) return null;
		decision = check(textBetween(node, Math.max(0, edit.lo - WINDOW_BEFORE), Math.min(node.length, edit.hi + WINDOW_AFTER)));
	}
	if (decision.action === 'allow' || decision.action === 'redact') return null;
	edit ??= editedRange(node, tr);
	if (!edit) return null;
	const { lo, hi } = edit;
	const from = Math.max(0, lo - WINDOW_BEFORE);
	const to = Math.min(node.length, hi + WINDOW_AFTER);
	const list = runs(node);
	const text = textOf(node);
	// The clients whose new characters are here; their older characters here count as the author's too.
	const authors = new Map<number, number>();
	for (const r of list) if (r.clock + r.str.length > (tr.beforeState.get(r.client) ?? 0)) authors.set(r.client, 0);
	// What they wrote of this sentence up to the edit; then the whole sentence; then all of theirs around it.
	const [sa, sb] = sentenceAround(text, lo, hi);
	const candidates = [rangesOf(list, authors, sa, hi), rangesOf(list, authors, sa, sb), rangesOf(list, authors, from, to)];
	let chosen = candidates[2]!;
	for (const c of candidates) {
		if (c.length > 0 && check(without(text, c).slice(from, Math.max(from, to - c.reduce((n, [a, b]) => n + b - a, 0)))).action === 'allow') {
			chosen = c;
			break;
		}
	}
	if (chosen.length === 0) return null;
	return removeRanges(node, text, chosen, decision);
}

/**
 * Each open transaction's new items by parent, gathered once however many nodes it touched (a paste of many
 * paragraphs). A node moderation changed inside that transaction (deleting or unlinking can split items) is
 * marked stale and read again from its own items, leaving the others cached.
 */
const addedByTransaction = new WeakMap<Y.Transaction, { byParent: Map<unknown, Y.Item[]>; stale: Set<Y.XmlText> }>();

/** Moderation changed `node` inside `tr`: its cached new items may no longer be the whole story. */
function changedByModeration(node: Y.XmlText, tr: Y.Transaction | null): void {
	if (tr) addedByTransaction.get(tr)?.stale.add(node);
}

/**
 * The items of `node` this transaction added and did not delete, found in the document's store from each
 * client's clock before the transaction (it is still open: the store already holds them).
 */
function addedItems(node: Y.XmlText, tr: Y.Transaction): Y.Item[] {
	let cache = addedByTransaction.get(tr);
	if (!cache) {
		const byParent = new Map<unknown, Y.Item[]>();
		for (const [client, structs] of tr.doc.store.clients) {
			const before = tr.beforeState.get(client) ?? 0;
			const last = structs[structs.length - 1];
			if (!last || last.id.clock + last.length <= before) continue;
			for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
				const s = structs[i];
				if (!(s instanceof Y.Item) || s.deleted) continue;
				const list = byParent.get(s.parent);
				if (list) list.push(s);
				else byParent.set(s.parent, [s]);
			}
		}
		addedByTransaction.set(tr, (cache = { byParent, stale: new Set() }));
	}
	if (cache.stale.has(node)) {
		const fresh: Y.Item[] = [];
		for (let n = node._start; n; n = n.right) if (!n.deleted && n.id.clock + n.length > (tr.beforeState.get(n.id.client) ?? 0)) fresh.push(n);
		cache.byParent.set(node, fresh);
		cache.stale.delete(node);
	}
	return (cache.byParent.get(node) ?? []).filter((item) => !item.deleted);
}

/** Up to `count` characters of the node's text before `item` (embeds as U+FFFC). */
function textBefore(item: Y.Item, count: number): string {
	let s = '';
	for (let n = item.left; n && s.length < count; n = n.left) {
		if (n.deleted || !n.countable) continue;
		s = (n.content instanceof Y.ContentString ? n.content.str : '\uFFFC'.repeat(n.length)) + s;
	}
	return s.slice(Math.max(0, s.length - count));
}

/** Up to `count` characters of the node's text after `item` (embeds as U+FFFC). */
function textAfter(item: Y.Item, count: number): string {
	let s = '';
	for (let n = item.right; n && s.length < count; n = n.right) {
		if (n.deleted || !n.countable) continue;
		s += n.content instanceof Y.ContentString ? n.content.str : '\uFFFC'.repeat(n.length);
	}
	return s.slice(0, count);
}

/**
 * From the first to the last character this transaction wrote into the node (indexes as in `textOf`), found
 * in one walk without allocating; null when it wrote none there.
 */
function editedRange(node: Y.XmlText, tr: Y.Transaction): { lo: number; hi: number } | null {
	let lo = Infinity;
	let hi = -1;
	let index = 0;
	for (let n = node._start; n; n = n.right) {
		if (n.deleted || !n.countable) continue;
		if (n.content instanceof Y.ContentString) {
			const before = tr.beforeState.get(n.id.client) ?? 0;
			if (n.id.clock + n.length > before) {
				lo = Math.min(lo, index + Math.max(0, before - n.id.clock));
				hi = Math.max(hi, index + n.length);
			}
		}
		index += n.length;
	}
	return hi < 0 ? null : { lo, hi };
}

/** The node's text from index `from` to `to`, embeds as U+FFFC, read up to `to` only. */
function textBetween(node: Y.XmlText, from: number, to: number): string {
	let s = '';
	let index = 0;
	for (let n = node._start; n && index < to; n = n.right) {
		if (n.deleted || !n.countable) continue;
		const end = index + n.length;
		if (end > from) {
			const a = Math.max(from, index) - index;
			const b = Math.min(to, end) - index;
			s += n.content instanceof Y.ContentString ? n.content.str.slice(a, b) : '\uFFFC'.repeat(b - a);
		}
		index = end;
	}
	return s;
}

/** Deletes `ranges` (ascending) from the node and says where they were. */
function removeRanges(node: Y.XmlText, text: string, ranges: Range[], decision: Decision): Removal {
	changedByModeration(node, node.doc?._transaction ?? null);
	for (const [a, b] of [...ranges].reverse()) node.delete(a, b - a);
	const removed = ranges.map(([a, b]) => text.slice(a, b)).join(' … ');
	const position = Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(node, ranges[0]![0], -1))).toString('base64');
	return { decision, text: removed, place: { type: 'text', position } };
}

/**
 * Deletes from a node what the given clients wrote from the given clocks on, when the settled text was
 * refused by a deferred hook. Runs in a transaction of the server's own.
 */
export function removeWrittenSince(node: Y.XmlText, since: ReadonlyMap<number, number>, decision: Decision): Removal | null {
	if (node._item?.deleted) return null;
	const ranges = rangesOf(runs(node), since);
	return ranges.length > 0 ? removeRanges(node, textOf(node), ranges, decision) : null;
}

/**
 * A shape names its author (`authorId`, `authorName`, shown in the shape list and read out by screen readers):
 * whoever sets those fields gets their own id and display name written there, so the fields can neither carry
 * words past the pipeline nor pretend to be someone else. Answers whether anything was rewritten.
 */
export function stampAuthors(tr: Y.Transaction, ydoc: Y.Doc, author: { id: string; name: string }): boolean {
	const shapes = ydoc.getMap<unknown>(CANVAS_SHAPES);
	let stamped = false;
	const stamp = (shape: Y.Map<unknown>, keys: Iterable<string | null>) => {
		for (const key of keys) {
			const want = key === 'authorId' ? author.id : key === 'authorName' ? author.name : undefined;
			if (want !== undefined && shape.get(key!) !== want) {
				shape.set(key!, want);
				stamped = true;
			}
		}
	};
	for (const [type, keys] of tr.changed) {
		if ((type as unknown) === shapes) {
			for (const key of keys) {
				const shape = key === null ? undefined : shapes.get(key);
				if (shape instanceof Y.Map && isNew(shape, tr)) stamp(shape, ['authorId', 'authorName'].filter((k) => shape.has(k)));
			}
		} else if (type instanceof Y.Map && type._item?.parent === shapes && !type._item.deleted) {
			stamp(type, keys);
		}
	}
	return stamped;
}

/**
 * Link targets are text people follow: a link (a formatting attribute `link: { href }` on a text node) set in
 * this transaction whose target the immediate hooks refuse is taken off the text, which stays.
 */
export function inspectLinks(node: Y.XmlText, tr: Y.Transaction, check: Check): Removal | null {
	const fresh = addedItems(node, tr).some((n) => n.content instanceof Y.ContentFormat && n.content.key === 'link' && n.content.value !== null);
	if (!fresh) return null;
	let index = 0;
	let removal: Removal | null = null;
	for (const op of node.toDelta() as { insert: unknown; attributes?: { link?: { href?: unknown } } }[]) {
		const length = typeof op.insert === 'string' ? op.insert.length : 1;
		const href = op.attributes?.link?.href;
		if (typeof href === 'string') {
			const decision = check(href.slice(0, FIELD_MAX));
			if (decision.action === 'hold' || decision.action === 'block') {
				node.format(index, length, { link: null });
				changedByModeration(node, tr);
				const position = Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(node, index, -1))).toString('base64');
				removal ??= { decision, text: href, place: { type: 'text', position } };
			}
		}
		index += length;
	}
	return removal;
}

/** The value a shape field had before this transaction set it (its predecessor under the same key). */
function previousValue(shape: Y.Map<unknown>, field: ShapeTextField): string {
	const current = shape._map.get(field);
	const left = current?.left;
	const content = left && left.content instanceof Y.ContentAny ? left.content.arr[0] : undefined;
	return typeof content === 'string' ? content : '';
}

/**
 * Checks a shape's text field after a client set it; when the immediate hooks object, puts back the value it
 * had (or empties it when that was objectionable too).
 */
export function inspectField(target: Extract<Target, { type: 'field' }>, check: Check): Removal | null {
	const value = target.shape.get(target.field);
	if (typeof value !== 'string' || value === '') return null;
	const decision = check(value.slice(0, FIELD_MAX));
	if (decision.action === 'allow' || decision.action === 'redact') return null;
	const previous = previousValue(target.shape, target.field);
	target.shape.set(target.field, previous && check(previous).action === 'allow' ? previous : '');
	return { decision, text: value, place: { type: 'field', shapeId: target.shapeId, field: target.field } };
}

/** Puts approved text back where it was taken from: at its relative position, or as a new paragraph at the end. */
export function restoreText(ydoc: Y.Doc, kind: DocumentKind, place: TextPlace, text: string, fragment: Y.XmlFragment): boolean {
	if (place.type === 'field') {
		const shape = ydoc.getMap<unknown>(CANVAS_SHAPES).get(place.shapeId);
		if (!(shape instanceof Y.Map)) return false;
		shape.set(place.field, text);
		return true;
	}
	if (kind !== 'text') return false;
	const at = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Buffer.from(place.position, 'base64')), ydoc);
	if (at && at.type instanceof Y.XmlText && !at.type._item?.deleted) {
		at.type.insert(at.index, text);
		return true;
	}
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	fragment.insert(fragment.length, [paragraph]);
	return true;
}

/** The text of a target as it stands (for deferred checks). */
export function currentText(target: Target): string {
	if (target.type === 'text') return textOf(target.node).slice(0, FIELD_MAX * 4);
	const v = target.shape.get(target.field);
	return typeof v === 'string' ? v.slice(0, FIELD_MAX) : '';
}

export type { ModerationPipeline };
