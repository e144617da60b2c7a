import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { z } from 'zod';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger';
import type { Bus } from '../scale';
import { hasMissingDependencies } from './dependencies';
import { LOAD, REMOTE, type Conn, type LiveDoc, type Publish, type Unconfirmed } from './live';

// Several processes serving one document. Each open document has a bus channel of its own; a frame on it is
// [kind][body]. Every change a process applies (a client's update as stored, after moderation; the server's own
// changes; awareness) goes there; the others apply it with REMOTE as origin: shown to their clients, counted in
// the size, never stored as a row (the process that took it from its client does that) and never sent on.

/** Kinds of frame on a document's channel. */
export const Frame = {
	/** A Yjs update the sender applied (from its own clients, or its own change): apply it, never store it. */
	Update: 0,
	/** An awareness update of the sender's own clients. */
	Awareness: 1,
	/** "Here is my state vector": whoever has the document open answers with what the sender lacks. */
	Sync: 2,
	/** As Sync, and the sender may lack nothing yet hold what others lack (it missed messages): ask it back. */
	SyncBoth: 3,
	/**
	 * An update the sender took from its own client (or made itself) and is storing: [seq][author][update]. The
	 * others apply it as an Update and keep it until a Stored frame covers its seq.
	 */
	Tracked: 4,
	/** "Every update I sent on this channel up to seq is stored": [seq]. */
	Stored: 5
} as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

/** Sent as a JSON topic: a connection closing must close on every process. */
export const CLOSE_TOPIC = 'docs:close';
export type Closing =
	| { what: 'user'; userId: string; exceptSessionId?: string }
	| { what: 'session'; sessionId: string }
	| { what: 'membership'; userId: string; spaceId: string }
	| { what: 'space'; spaceId: string };

export const closingSchema: z.ZodType<Closing> = z.union([
	z.object({ what: z.literal('user'), userId: z.uuid(), exceptSessionId: z.string().optional() }),
	z.object({ what: z.literal('session'), sessionId: z.string().min(1) }),
	z.object({ what: z.literal('membership'), userId: z.uuid(), spaceId: z.uuid() }),
	z.object({ what: z.literal('space'), spaceId: z.uuid() })
]);

export const channelOf = (documentId: string): string => `doc:${documentId}`;

export function encodeFrame(kind: FrameKind, body: Uint8Array): Uint8Array {
	const out = new Uint8Array(1 + body.byteLength);
	out[0] = kind;
	out.set(body, 1);
	return out;
}

export function decodeFrame(data: Uint8Array): { kind: FrameKind; body: Uint8Array } | null {
	const kind = data[0];
	if (kind === undefined || kind > Frame.Stored) return null;
	return { kind: kind as FrameKind, body: data.subarray(1) };
}

export function encodeTracked(seq: number, authorId: string | null, update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeUint8(e, Frame.Tracked);
	encoding.writeVarUint(e, seq);
	encoding.writeVarString(e, authorId ?? '');
	encoding.writeUint8Array(e, update);
	return encoding.toUint8Array(e);
}

export function decodeTracked(body: Uint8Array): { seq: number; authorId: string | null; update: Uint8Array } {
	const d = decoding.createDecoder(body);
	const seq = decoding.readVarUint(d);
	const authorId = decoding.readVarString(d) || null;
	return { seq, authorId, update: body.subarray(d.pos) };
}

export function encodeStoredFrame(seq: number): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeUint8(e, Frame.Stored);
	encoding.writeVarUint(e, seq);
	return encoding.toUint8Array(e);
}

/**
 * How long another process's update may go unconfirmed before this process stores it itself: its sender has
 * died (or lost Redis) between sending it and storing it. Long beyond a batch commit; a late confirmation after
 * it means one duplicate row, which Yjs ignores.
 */
export const CONFIRM_MS = 5_000;
/** Unconfirmed updates kept per sending process; beyond, the oldest are stored at once. */
const UNCONFIRMED_MAX = 10_000;

/** Whether a state vector counts anything beyond what `doc` holds: its sender has content `doc` lacks. */
export function aheadOf(stateVector: Uint8Array, doc: Y.Doc): boolean {
	const mine = Y.encodeStateVector(doc);
	const have = Y.decodeStateVector(mine);
	for (const [client, clock] of Y.decodeStateVector(stateVector)) if (clock > (have.get(client) ?? 0)) return true;
	return false;
}

/** An update that changes nothing: no structs and an empty delete set (what a diff of an equal state is). */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.byteLength <= 2;

/** Frames from other processes kept while a document loads, and their updates waiting for content. */
const BACKLOG_MAX = 4096;
const HELD_MAX = 1024;
/** How often a document may ask the other processes for content it lacks. */
const ASK_MS = 1000;

/** Whether this process holds changes from the others that no snapshot written from here holds yet. */
export function unfolded(doc: LiveDoc): boolean {
	return doc.remote !== null && doc.remote.applied > doc.remote.folded;
}

export interface PeersOptions {
	bus: Bus;
	logger: Logger;
	/** The documents open in this process. */
	documents: () => Iterable<LiveDoc>;
	/** Called after another process's update went in (this process's clients' held updates may follow). */
	afterRemote: (doc: LiveDoc) => void;
	/** The in-memory document can no longer be trusted: drop it, and let its clients reconnect. */
	reset: (doc: LiveDoc) => void;
	/** Stores updates another process sent and never said it stored (it died before its write committed). */
	persist: (doc: LiveDoc, updates: Unconfirmed[]) => void;
}

/**
 * The relay's side of the channels. Loading: `join` (subscribe) before the database is read, `catchUp` with what
 * arrived meanwhile once the stored state is in (before any client is answered), then `ask` the others for what
 * they hold that the database does not yet. After Redis comes back every open document asks again.
 */
export function createPeers({ bus, logger: log, documents, afterRemote, reset, persist }: PeersOptions) {
	/** Numbers this process's tracked updates, across documents. */
	let published = 0;
	const publish: Publish = (doc, kind, data, origin) => {
		const channel = channelOf(doc.ref.id);
		if (kind === 'awareness') return bus.publishBinary(channel, encodeFrame(Frame.Awareness, data));
		const authorId = origin && typeof origin === 'object' && 'userId' in origin ? (origin as Conn).userId : null;
		bus.publishBinary(channel, encodeTracked(++published, authorId, data));
	};
	/** The seq of the last update this process published: a write queued now covers every one up to it. */
	const lastPublished = (): number => published;
	/** Tells the others that every update of `doc` this process published up to `seq` is stored. */
	function confirm(doc: LiveDoc, seq: number): void {
		if (doc.remote && !doc.remote.left) bus.publishBinary(channelOf(doc.ref.id), encodeStoredFrame(seq));
	}
	// The others' updates nobody confirmed in time: their sender died before storing them, so store them here.
	const sweep = setInterval(() => {
		const before = Date.now() - CONFIRM_MS;
		for (const doc of documents()) {
			const remote = doc.remote;
			if (!remote || remote.left || remote.unconfirmed.size === 0) continue;
			for (const [from, list] of remote.unconfirmed) {
				let n = 0;
				while (n < list.length && list[n]!.at < before) n++;
				if (n === 0) continue;
				const overdue = list.splice(0, n);
				if (list.length === 0) remote.unconfirmed.delete(from);
				log.warn({ docId: doc.ref.id, from, updates: overdue.length }, 'another process never confirmed storing these updates: stored here');
				persist(doc, overdue);
			}
		}
	}, 1_000);
	sweep.unref();
	// Pub/sub loses what is sent while Redis is away: ask, and have the others ask back for what they missed.
	const stopResume = bus.onResume(() => {
		for (const doc of documents()) if (doc.loaded) ask(doc, true);
	});

	/** Subscribes this instance of the document to its channel; resolves once the subscription is active. */
	async function join(doc: LiveDoc): Promise<void> {
		const remote = doc.remote!;
		const leave = await bus.subscribe(channelOf(doc.ref.id), (data, from) => receive(doc, data, from));
		if (remote.left) return void leave();
		remote.leave = leave;
	}

	function receive(doc: LiveDoc, data: Uint8Array, from: string): void {
		const remote = doc.remote;
		const frame = decodeFrame(data);
		if (!remote || remote.left || !frame) return;
		// Kept whether or not the document has loaded: what its sender never confirms is stored here.
		let update = frame.body;
		if (frame.kind === Frame.Tracked) {
			try {
				const tracked = decodeTracked(frame.body);
				update = tracked.update.slice();
				track(remote.unconfirmed, from, { seq: tracked.seq, authorId: tracked.authorId, update, at: Date.now() }, doc);
			} catch (err) {
				return void log.warn({ err, docId: doc.ref.id }, 'unreadable update from another process ignored');
			}
		} else if (frame.kind === Frame.Stored) {
			try {
				return settle(remote.unconfirmed, from, decoding.readVarUint(decoding.createDecoder(frame.body)));
			} catch {
				return;
			}
		}
		if (!doc.loaded) {
			// Kept until the stored state is in; past the bound, the sync after loading brings the rest.
			if (frame.kind === Frame.Update || frame.kind === Frame.Tracked || frame.kind === Frame.Awareness) {
				if (remote.backlog && remote.backlog.length < BACKLOG_MAX) remote.backlog.push(frame.kind === Frame.Tracked ? encodeFrame(Frame.Update, update) : data.slice());
			}
			return;
		}
		switch (frame.kind) {
			case Frame.Update:
			case Frame.Tracked:
				return applyUpdate(doc, update, REMOTE);
			case Frame.Awareness:
				return applyAwareness(doc, frame.body);
			case Frame.Sync:
			case Frame.SyncBoth:
				return answer(doc, frame.body, frame.kind === Frame.SyncBoth);
		}
	}

	/** Right after the stored state is applied, before any client is answered: what came meanwhile, unseen by clients. */
	function catchUp(doc: LiveDoc): void {
		const remote = doc.remote!;
		const backlog = remote.backlog ?? [];
		remote.backlog = null;
		for (const data of backlog) {
			const frame = decodeFrame(data)!;
			if (frame.kind === Frame.Update) applyUpdate(doc, frame.body, LOAD);
			else applyAwareness(doc, frame.body);
		}
	}

	/**
	 * Asks the processes with the document open for what this one lacks (its state vector goes along). `both`
	 * when this process may have missed messages and others may have missed its own: they ask back.
	 */
	function ask(doc: LiveDoc, both: boolean): void {
		const remote = doc.remote;
		if (!remote || remote.left || !doc.loaded) return;
		remote.askedAt = Date.now();
		bus.publishBinary(channelOf(doc.ref.id), encodeFrame(both ? Frame.SyncBoth : Frame.Sync, Y.encodeStateVector(doc.ydoc)));
	}

	/** Sends a peer what it lacks, with this process's clients' awareness; asks back when it holds what this one lacks. */
	function answer(doc: LiveDoc, stateVector: Uint8Array, askBack: boolean): void {
		let diff: Uint8Array;
		let ahead: boolean;
		try {
			diff = Y.encodeStateAsUpdate(doc.ydoc, stateVector);
			ahead = aheadOf(stateVector, doc.ydoc);
		} catch (err) {
			return void log.warn({ err, docId: doc.ref.id }, 'unreadable sync request from another process ignored');
		}
		const channel = channelOf(doc.ref.id);
		if (!isEmptyUpdate(diff)) bus.publishBinary(channel, encodeFrame(Frame.Update, diff));
		const mine = [...doc.awarenessOwners].filter(([id, c]) => !c.closed && doc.awareness.getStates().has(id)).map(([id]) => id);
		if (mine.length > 0) bus.publishBinary(channel, encodeFrame(Frame.Awareness, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, mine)));
		if (askBack || ahead) ask(doc, false);
	}

	/**
	 * Applies another process's update. Delivery keeps each process's order, but a message lost while Redis was away
	 * (or content still in a sync answer) can leave a gap: such an update waits outside the Y.Doc, as a client's
	 * would, and this process asks the others for what it lacks.
	 */
	function applyUpdate(doc: LiveDoc, update: Uint8Array, origin: typeof REMOTE | typeof LOAD): void {
		const remote = doc.remote!;
		let missing: boolean;
		try {
			missing = hasMissingDependencies(Y.decodeUpdate(update), doc.ydoc);
		} catch (err) {
			return void log.warn({ err, docId: doc.ref.id }, 'unreadable update from another process ignored');
		}
		if (missing) {
			if (remote.held.length >= HELD_MAX) remote.held.shift();
			remote.held.push(update.slice());
			if (Date.now() - remote.askedAt >= ASK_MS) ask(doc, false);
			return;
		}
		if (!applyOne(doc, update, origin)) return;
		// What waited on this may go in now.
		for (let i = 0; i < remote.held.length; ) {
			const next = remote.held[i]!;
			if (hasMissingDependencies(Y.decodeUpdate(next), doc.ydoc)) {
				i++;
				continue;
			}
			remote.held.splice(i, 1);
			if (!applyOne(doc, next, origin)) return;
			i = 0;
		}
		if (origin === REMOTE) afterRemote(doc);
	}

	function applyOne(doc: LiveDoc, update: Uint8Array, origin: typeof REMOTE | typeof LOAD): boolean {
		const before = doc.changes;
		try {
			Y.applyUpdate(doc.ydoc, update, origin);
		} catch (err) {
			log.error({ err, docId: doc.ref.id }, 'applying an update from another process failed: reloading the document');
			reset(doc);
			return false;
		}
		if (doc.changes !== before) {
			doc.bytes += update.byteLength;
			doc.remote!.applied += 1;
		}
		return true;
	}

	function applyAwareness(doc: LiveDoc, update: Uint8Array): void {
		try {
			awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, REMOTE);
		} catch (err) {
			log.warn({ err, docId: doc.ref.id }, 'unreadable awareness from another process ignored');
		}
	}

	function track(unconfirmed: Map<string, Unconfirmed[]>, from: string, entry: Unconfirmed, doc: LiveDoc): void {
		let list = unconfirmed.get(from);
		if (!list) unconfirmed.set(from, (list = []));
		list.push(entry);
		if (list.length > UNCONFIRMED_MAX) persist(doc, list.splice(0, list.length - UNCONFIRMED_MAX));
	}

	function settle(unconfirmed: Map<string, Unconfirmed[]>, from: string, seq: number): void {
		const list = unconfirmed.get(from);
		if (!list) return;
		let n = 0;
		while (n < list.length && list[n]!.seq <= seq) n++;
		list.splice(0, n);
		if (list.length === 0) unconfirmed.delete(from);
	}

	return {
		publish,
		lastPublished,
		confirm,
		join,
		catchUp,
		ask,
		stop() {
			stopResume();
			clearInterval(sweep);
		}
	};
}
