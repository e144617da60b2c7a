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
 * A deletion that would join the text around it into something refused is undone the same way: the deleted
 * characters are put back in that transaction.
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
	const added = addedItems(node, tr).filter((item) => item.content instanceof Y.ContentString && !isPutBack(tr, item.id.client, item.id.clock));
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
	if (allowed(decision)) return null;
	edit ??= editedRange(node, tr);
	if (!edit) return null;
	const { lo, hi } = edit;
	const from = Math.max(0, lo - WINDOW_BEFORE);
	const to = Math.min(node.length, hi + WINDOW_AFTER);
	const list = runs(node);
	const text = textOf(node);
	// The clients whose new characters are here; their older characters here count as the author's too.
	const authors = new Map<number, number>();
	for (const r of list) if (r.clock + r.str.length > (tr.beforeState.get(r.client) ?? 0) && !isPutBack(tr, r.client, r.clock)) authors.set(r.client, 0);
	// What they wrote of this sentence up to the edit; then the whole sentence; then all of theirs around it; then
	// only what this update wrote, when taking out their older characters too would join what is left into
	// something refused (an x of theirs between someone else's digits).
	const [sa, sb] = sentenceAround(text, lo, hi);
	const fresh = new Map([...authors.keys()].map((client) => [client, tr.beforeState.get(client) ?? 0]));
	const candidates = [rangesOf(list, authors, sa, hi), rangesOf(list, authors, sa, sb), rangesOf(list, authors, from, to), rangesOf(list, fresh, from, to)];
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
 * Places a transaction deleted from that are checked one by one at most, over all its paragraphs; a paragraph with
 * more places than are left is checked whole (a crafted update deleting in thousands of places costs a few checks
 * per paragraph, not one per place).
 */
const MAX_DELETION_PLACES = 256;
/** Per open transaction: how many deletion places may still be checked one by one. */
const deletionChecks = new WeakMap<Y.Transaction, number>();

/** Per open transaction: the clock ranges of the server's own client that `putBack` wrote (they are nobody's edit). */
const putBackByTransaction = new WeakMap<Y.Transaction, { client: number; from: number; to: number }[]>();

/** Whether the item at this id is characters moderation put back in this transaction (not the author's writing). */
export function isPutBack(tr: Y.Transaction, client: number, clock: number): boolean {
	const ranges = putBackByTransaction.get(tr);
	return ranges !== undefined && ranges.some((r) => r.client === client && clock >= r.from && clock < r.to);
}

/**
 * Deleting can join the text on either side into something the hooks refuse: type "555 12x34567", then delete the
 * x. Each place this transaction deleted characters of the node from is checked as it reads now; when it is
 * refused now and was not before the update, that place's characters are put back, with their formatting, and that
 * deletion is refused (nothing anyone wrote is taken out). Deleting text that was refused already, such as contact
 * details written earlier, goes through. Costs nothing when the transaction deleted nothing here (nearly every
 * keystroke). Runs before `inspectText` in the same transaction, which then leaves what it put back alone.
 */
export function inspectDeletions(node: Y.XmlText, tr: Y.Transaction, check: Check): Removal | null {
	const deleted = deletedBy(tr).get(node);
	if (!deleted || node._item?.deleted) return null;
	const gone = [...deleted].filter((n) => n.countable);
	if (gone.length === 0) return null;
	const places = deletionPlaces(new Set(gone));
	/** There before this transaction (formatting included): not written in it, and not deleted or deleted in it. */
	const before = (n: Y.Item) => (!n.deleted || deleted.has(n)) && n.id.clock < (tr.beforeState.get(n.id.client) ?? 0);
	let refused: { decision: Decision; text: string } | null = null;
	let at = 0;
	const budget = deletionChecks.get(tr) ?? MAX_DELETION_PLACES;
	if (places.length > budget) {
		const now = textBetween(node, 0, Infinity);
		const decision = check(now);
		if (allowed(decision) || !allowed(check(textWith(node, before)))) return null;
		refused = { decision, text: now };
		at = putBack(node, places, before);
	} else {
		deletionChecks.set(tr, budget - places.length);
		// Places are judged in turn, each as the text would read with the ones refused before it put back.
		const back = new Set<Y.Item>();
		const refusedPlaces: Y.Item[][] = [];
		const now = (n: Y.Item) => !n.deleted || back.has(n);
		for (const place of places) {
			const first = place[0]!;
			const last = place[place.length - 1]!;
			const reads = textBefore(first, WINDOW_BEFORE, now) + textAfter(last, WINDOW_AFTER, now);
			const decision = check(reads);
			if (allowed(decision)) continue;
			// Refused before this transaction's deletions too (all of them back: two joins must not cover for each
			// other): this deletion did not make it so.
			if (!allowed(check(textBefore(first, WINDOW_BEFORE, before) + place.map(visibleText).join('') + textAfter(last, WINDOW_AFTER, before)))) continue;
			refused ??= { decision, text: reads };
			refusedPlaces.push(place);
			for (const n of place) back.add(n);
		}
		if (refusedPlaces.length > 0) at = putBack(node, refusedPlaces, before);
	}
	if (!refused) return null;
	const position = Buffer.from(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(node, at, -1))).toString('base64');
	return { decision: { ...refused.decision, action: 'block' }, text: refused.text.trim().slice(0, FIELD_MAX), place: { type: 'text', position } };
}

function allowed(decision: Decision): boolean {
	return decision.action === 'allow' || decision.action === 'redact';
}

/**
 * Inserts the deleted items of `places` again where they were, with the formatting they had (as `present` says
 * the text was), in one walk of the node; returns the index of the first place. Text goes back as it was; anything
 * else that counts as characters (an embed) as as many U+FFFC: the server writes nothing a client chose.
 */
function putBack(node: Y.XmlText, places: Y.Item[][], present: (n: Y.Item) => boolean): number {
	changedByModeration(node, node.doc?._transaction ?? null);
	const starts = new Set(places.map((p) => p[0]!));
	const wanted = new Set(places.flat());
	const inserts: { index: number; text: string; attributes: Record<string, unknown> }[] = [];
	const attributes: Record<string, unknown> = {};
	let index = 0;
	let pending: { index: number; text: string; attributes: Record<string, unknown> } | null = null;
	for (let n = node._start; n; n = n.right) {
		if (n.content instanceof Y.ContentFormat) {
			if (!present(n)) continue;
			if (n.content.value === null) delete attributes[n.content.key];
			else attributes[n.content.key] = n.content.value;
			continue;
		}
		if (starts.has(n)) pending = null;
		if (wanted.has(n)) {
			const text = visibleText(n);
			const same = pending && JSON.stringify(pending.attributes) === JSON.stringify(attributes);
			if (pending && same) pending.text += text;
			else inserts.push((pending = { index, text, attributes: { ...attributes } }));
			continue;
		}
		if (!n.deleted && n.countable) index += n.length;
	}
	// One delta, walked once however many places (an insert per place would walk the paragraph each time); explicit
	// attributes, so none leak in from around.
	const delta: { retain?: number; insert?: string; attributes?: Record<string, unknown> }[] = [];
	let at = 0;
	for (const { index: i, text, attributes: a } of inserts) {
		if (i > at) delta.push({ retain: i - at });
		delta.push({ insert: text, attributes: a });
		at = i;
	}
	const doc = node.doc!;
	const from = Y.getState(doc.store, doc.clientID);
	node.applyDelta(delta, { sanitize: false });
	const tr = doc._transaction;
	if (tr) {
		const ranges = putBackByTransaction.get(tr) ?? [];
		ranges.push({ client: doc.clientID, from, to: Y.getState(doc.store, doc.clientID) });
		putBackByTransaction.set(tr, ranges);
	}
	return inserts[0]?.index ?? 0;
}

/**
 * Each open transaction's deletions of items that were there before it, by parent, read once from its delete set
 * before moderation changes anything in it (what moderation deletes is not the author's deletion).
 */
const deletedByTransaction = new WeakMap<Y.Transaction, Map<unknown, Set<Y.Item>>>();

function deletedBy(tr: Y.Transaction): Map<unknown, Set<Y.Item>> {
	let byParent = deletedByTransaction.get(tr);
	if (byParent) return byParent;
	byParent = new Map();
	for (const [client, ranges] of tr.deleteSet.clients) {
		const structs = tr.doc.store.clients.get(client);
		if (!structs) continue;
		const before = tr.beforeState.get(client) ?? 0;
		for (const { clock, len } of ranges) {
			const end = Math.min(clock + len, before);
			if (clock >= end) continue;
			for (let i = Y.findIndexSS(structs, clock); i < structs.length; i++) {
				const s = structs[i]!;
				if (s.id.clock >= end) break;
				if (!(s instanceof Y.Item) || !s.deleted || !(s.parent instanceof Y.XmlText)) continue;
				const set = byParent.get(s.parent);
				if (set) set.add(s);
				else byParent.set(s.parent, new Set([s]));
			}
		}
	}
	deletedByTransaction.set(tr, byParent);
	return byParent;
}

/** The deleted items grouped by place: runs with nothing visible between them, in document order within a run. */
function deletionPlaces(gone: Set<Y.Item>): Y.Item[][] {
	const places: Y.Item[][] = [];
	for (const item of gone) {
		let left = item.left;
		while (left && !gone.has(left) && (left.deleted || !left.countable)) left = left.left;
		if (left && gone.has(left)) continue;
		const place = [item];
		for (let n = item.right; n; n = n.right) {
			if (gone.has(n)) place.push(n);
			else if (!n.deleted && n.countable) break;
		}
		places.push(place);
	}
	return places;
}

function visibleText(item: Y.Item): string {
	return item.content instanceof Y.ContentString ? item.content.str : '\uFFFC'.repeat(item.length);
}

/** The node's text with the items `present` says are there (embeds as U+FFFC). */
function textWith(node: Y.XmlText, present: (n: Y.Item) => boolean): string {
	let s = '';
	for (let n = node._start; n; n = n.right) if (n.countable && present(n)) s += visibleText(n);
	return s;
}

/**
 * Each open transaction's new items by parent, gathered once however many nodes it touched (a paste of many
 * paragraphs). A node moderation changed inside that transaction (deleting or unlinking can split items) is
 * marked stale and read again from its own items, leaving the others cached.
 */
const addedByTransaction = new WeakMap<Y.Transaction, { byParent: Map<unknown, Y.Item[]>; stale: Set<Y.XmlText> }>();

/** Moderation changed `node` inside `tr`: its cached new items may no longer be the whole story. */
function changedByModeration(node: Y.XmlText, tr: Y.Transaction | null): void {
	if (!tr) return;
	deletedBy(tr);
	addedByTransaction.get(tr)?.stale.add(node);
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

const visible = (n: Y.Item) => !n.deleted;

/** Up to `count` characters of the node's text before `item` (embeds as U+FFFC); `present` says which items count. */
function textBefore(item: Y.Item, count: number, present = visible): string {
	let s = '';
	for (let n = item.left; n && s.length < count; n = n.left) if (n.countable && present(n)) s = visibleText(n) + s;
	return s.slice(Math.max(0, s.length - count));
}

/** Up to `count` characters of the node's text after `item` (embeds as U+FFFC); `present` says which items count. */
function textAfter(item: Y.Item, count: number, present = visible): string {
	let s = '';
	for (let n = item.right; n && s.length < count; n = n.right) if (n.countable && present(n)) s += visibleText(n);
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
			if (n.id.clock + n.length > before && !isPutBack(tr, n.id.client, n.id.clock)) {
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
				changedByModeration(node, tr);
				node.format(index, length, { link: null });
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
	if (allowed(decision)) return null;
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
