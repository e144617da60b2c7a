import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '../../src/lib/protocol/codes';
import type { Logger } from '../logger';
import {
	encodeAwareness,
	encodePermissionDenied,
	encodeStored,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	parseClientMessage,
	ProtocolError,
	type ClientMessage
} from './protocol';
import { createLiveDoc, LOAD, type Conn, type DocumentRef, type HeldUpdate, type LiveDoc } from './live';
import { addsContent } from './dependencies';
import { dropHeld, hold, mustHold, overdue, takeReady } from './held';
import type { DocStore } from './store';
import { createWriter, type WrittenBatch } from './writer';

export interface RelayLimits {
	maxDocumentBytes: number;
	maxOpenPerUser: number;
	pingIntervalMs: number;
	compactAfterUpdates: number;
}

export interface ConnectOptions {
	document: DocumentRef;
	userId: string;
	sessionId: string;
	canWrite: boolean;
	acks: boolean;
	/** Called at most once a minute while the connection edits: editing counts as activity for the session. */
	onActivity?: () => void;
}

const BACKLOG_MAX_FRAMES = 256;
const SEND_BUFFER_MAX = 32 * 1024 * 1024;
const AUTO_VERSION_MS = 24 * 60 * 60 * 1000;
const HELD_MAX = 1024;
const HELD_MS = 10_000;

export interface RelayOptions {
	store: DocStore;
	logger: Logger;
	limits: RelayLimits;
}

/**
 * The y-websocket relay: one Y.Doc per open document, loaded before any client is answered, fanned out in
 * memory, and written through the group-commit writer. A client's update is broadcast at once and
 * acknowledged (`Stored`) only after the batch holding it has committed.
 */
export function createRelay({ store, logger, limits }: RelayOptions) {
	const log = logger.child({ ns: 'docs' });
	const docs = new Map<string, LiveDoc>();
	const byUser = new Map<string, Set<Conn>>();
	const counters = { droppedObserverUpdates: 0, malformedFrames: 0, refusedTooLarge: 0, compactions: 0 };
	let closing = false;
	let closed: Promise<void> | null = null;

	const writer = createWriter<Conn>({ store, logger, onWritten });

	const ping = setInterval(() => {
		expireHeld(Date.now());
		for (const conns of byUser.values()) {
			for (const conn of conns) {
				if (!conn.alive) {
					log.debug({ docId: conn.doc.ref.id, userId: conn.userId }, 'no pong: closing dead connection');
					conn.ws.terminate();
					continue;
				}
				conn.alive = false;
				try {
					conn.ws.ping();
				} catch {
					conn.ws.terminate();
				}
			}
		}
	}, limits.pingIntervalMs);
	ping.unref();

	function liveDoc(ref: DocumentRef): LiveDoc {
		const existing = docs.get(ref.id);
		if (existing) return existing;
		const doc = createLiveDoc(ref, send);
		doc.ready = load(doc);
		docs.set(ref.id, doc);
		return doc;
	}

	async function load(doc: LiveDoc): Promise<void> {
		const stored = await store.load(doc.ref.id);
		if (stored.updates.length > 0) Y.applyUpdate(doc.ydoc, Y.mergeUpdates(stored.updates), LOAD);
		doc.bytes = stored.bytes;
		doc.tailCount = stored.tailCount;
		doc.lastStoredId = stored.lastId;
		doc.lastAutoVersionAt = stored.lastAutoVersionAt;
		doc.loaded = true;
		if (stored.tailCount >= limits.compactAfterUpdates) void compact(doc);
	}

	function connect(ws: WebSocket, options: ConnectOptions): void {
		if (closing) return void ws.close(1001, 'server shutting down');
		const doc = liveDoc(options.document);
		const conn: Conn = {
			ws,
			doc,
			userId: options.userId,
			sessionId: options.sessionId,
			canWrite: options.canWrite,
			acks: options.acks,
			received: 0,
			handled: 0,
			done: new Set(),
			alive: true,
			deniedSent: false,
			closed: false,
			held: 0,
			awarenessIds: new Set(),
			backlog: [],
			lastActivity: 0,
			onActivity: options.onActivity
		};
		doc.conns.add(conn);
		const mine = byUser.get(conn.userId) ?? new Set();
		byUser.set(conn.userId, mine);
		mine.add(conn);

		ws.on('pong', () => (conn.alive = true));
		ws.on('close', () => disconnect(conn));
		ws.on('error', (err) => log.debug({ err, docId: doc.ref.id }, 'document socket error'));
		// Frames that arrive while the document loads wait, in order; nothing is answered before it is loaded.
		ws.on('message', (data, isBinary) => {
			const frame = toBytes(data, isBinary);
			if (!frame) return void close(conn, CloseCode.InvalidMessage, 'binary frames only');
			if (conn.backlog) {
				if (conn.backlog.length >= BACKLOG_MAX_FRAMES) return void close(conn, CloseCode.RateLimited, 'too many messages while loading');
				conn.backlog.push(frame);
			} else {
				receive(conn, frame);
			}
		});

		if (mine.size > limits.maxOpenPerUser) return void close(conn, CloseCode.RateLimited, 'too many open documents');

		doc.ready.then(
			() => {
				if (conn.closed) return;
				send(conn, encodeSyncStep1(doc.ydoc));
				const states = [...doc.awareness.getStates().keys()];
				if (states.length > 0) send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, states)));
				const backlog = conn.backlog ?? [];
				conn.backlog = null;
				for (const frame of backlog) if (!conn.closed) receive(conn, frame);
			},
			(err) => {
				log.error({ err, docId: doc.ref.id }, 'loading a document failed');
				// Forget the failed load so the next connection tries again.
				if (docs.get(doc.ref.id) === doc) docs.delete(doc.ref.id);
				close(conn, 1011, 'could not load the document');
			}
		);
	}

	function receive(conn: Conn, frame: Uint8Array): void {
		let message: ClientMessage;
		try {
			message = parseClientMessage(frame);
		} catch (err) {
			counters.malformedFrames += 1;
			log.warn({ docId: conn.doc.ref.id, userId: conn.userId, bytes: frame.byteLength, reason: (err as Error).message }, 'malformed frame: connection closed');
			return void close(conn, CloseCode.InvalidMessage, 'malformed message');
		}
		const doc = conn.doc;
		switch (message.type) {
			case 'sync-step-1':
				return send(conn, encodeSyncStep2(doc.ydoc, message.stateVector));
			case 'query-awareness': {
				const states = [...doc.awareness.getStates().keys()];
				if (states.length > 0) send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, states)));
				return;
			}
			case 'awareness':
				try {
					awarenessProtocol.applyAwarenessUpdate(doc.awareness, message.update, conn);
				} catch (err) {
					counters.malformedFrames += 1;
					log.warn({ docId: doc.ref.id, reason: (err as Error).message }, 'malformed awareness update: connection closed');
					close(conn, CloseCode.InvalidMessage, 'malformed awareness update');
				}
				return;
			case 'auth':
				return;
			case 'update':
				return receiveUpdate(conn, message);
		}
	}

	function receiveUpdate(conn: Conn, message: Extract<ClientMessage, { type: 'update' }>): void {
		const doc = conn.doc;
		const update: HeldUpdate = { conn, seq: ++conn.received, update: message.update, stats: message.stats, decoded: message.decoded, at: Date.now() };
		if (conn.canWrite && mustHold(doc, update)) {
			if (doc.held.length >= HELD_MAX) return void close(conn, CloseCode.InvalidMessage, 'too many updates waiting for missing content');
			return hold(doc, update);
		}
		applyClientUpdate(update);
		for (let ready = takeReady(doc); ready; ready = takeReady(doc)) applyClientUpdate(ready);
	}

	/** Held updates whose content never came are refused; their senders are closed (they resync on reconnect). */
	function expireHeld(now: number): void {
		for (const doc of docs.values()) {
			for (const conn of overdue(doc, now, HELD_MS)) {
				log.warn({ docId: doc.ref.id, userId: conn.userId }, 'update depends on content never received: connection closed');
				counters.malformedFrames += 1;
				close(conn, CloseCode.InvalidMessage, 'update depends on unknown content');
			}
		}
	}

	function applyClientUpdate({ conn, seq, update, stats, decoded }: HeldUpdate): void {
		const doc = conn.doc;
		if (!conn.canWrite) {
			// An observer's client still answers sync step 1 with an (empty) step 2; only real edits count.
			const empty = decoded.structs.length === 0 && decoded.ds.clients.size === 0;
			if (empty) return markHandled(conn, seq);
			counters.droppedObserverUpdates += 1;
			if (!conn.deniedSent) {
				conn.deniedSent = true;
				send(conn, encodePermissionDenied('read-only'));
			}
			return markHandled(conn, seq);
		}
		// Only an update that adds content counts against the limit: a full document must still open, and a
		// reconnecting client's sync step 2 repeats what the server has.
		if (doc.bytes + update.byteLength > limits.maxDocumentBytes && addsContent(decoded, doc.ydoc)) {
			counters.refusedTooLarge += 1;
			log.warn({ docId: doc.ref.id, userId: conn.userId, bytes: doc.bytes }, 'document size limit reached: update refused');
			return void close(conn, CloseCode.TooLarge, 'document too large');
		}
		autoVersionBeforeEdit(doc);
		const before = doc.changes;
		try {
			Y.applyUpdate(doc.ydoc, update, conn);
		} catch (err) {
			// Validation came first, so this should not happen; if it does, the in-memory document may be half
			// changed. Drop it without storing anything: every client reconnects and resyncs from the database.
			log.error({ err, docId: doc.ref.id, userId: conn.userId }, 'applying a validated update failed: reloading the document');
			return void resetDocument(doc);
		}
		if (doc.changes !== before) {
			doc.bytes += update.byteLength;
			writer.enqueue({ documentId: doc.ref.id, authorId: conn.userId, data: update, stats, ack: { conn, seq } });
			const now = Date.now();
			if (now - conn.lastActivity > 60_000) {
				conn.lastActivity = now;
				conn.onActivity?.();
			}
		} else {
			markHandled(conn, seq);
		}
	}

	/**
	 * Records that message `seq` is handled and advances the connection's acknowledged prefix: a held update
	 * may be handled after later ones, but `Stored n` always means all of the first n.
	 */
	function markDone(conn: Conn, seq: number): boolean {
		conn.done.add(seq);
		const before = conn.handled;
		while (conn.done.delete(conn.handled + 1)) conn.handled += 1;
		return conn.handled !== before;
	}

	/** An update that needs no storage is handled once everything before it on the connection is stored. */
	function markHandled(conn: Conn, seq: number): void {
		writer.enqueue({ marker: true, documentId: conn.doc.ref.id, ack: { conn, seq } });
	}

	async function onWritten({ entries, lastIds }: WrittenBatch<Conn>): Promise<void> {
		const advanced = new Set<Conn>();
		for (const e of entries) {
			if (!e.marker) {
				const doc = docs.get(e.documentId);
				if (doc) doc.tailCount += 1;
			}
			if (e.ack && markDone(e.ack.conn, e.ack.seq)) advanced.add(e.ack.conn);
		}
		for (const conn of advanced) if (conn.acks && !conn.closed) send(conn, encodeStored(conn.handled));
		for (const [documentId, lastId] of lastIds) {
			const doc = docs.get(documentId);
			if (!doc) continue;
			doc.lastStoredId = Math.max(doc.lastStoredId, lastId);
			if (doc.tailCount >= limits.compactAfterUpdates) await compact(doc);
		}
	}

	/** Folds the stored log into a snapshot. Runs between batches, so the log cannot grow under it. */
	async function compact(doc: LiveDoc): Promise<void> {
		if (doc.compacting || doc.lastStoredId === 0) return;
		doc.compacting = true;
		try {
			const state = Y.encodeStateAsUpdate(doc.ydoc);
			const upTo = doc.lastStoredId;
			const before = doc.tailCount;
			await store.compact(doc.ref.id, state, upTo);
			doc.tailCount = Math.max(0, doc.tailCount - before);
			doc.bytes = state.byteLength;
			counters.compactions += 1;
		} catch (err) {
			log.error({ err, docId: doc.ref.id }, 'compaction failed; the log is kept as it is');
		} finally {
			doc.compacting = false;
		}
	}

	/**
	 * The automatic daily version keeps the document as it was before the first edit of a new day, so each
	 * day's work can be compared with, or rolled back to, how the day started.
	 */
	function autoVersionBeforeEdit(doc: LiveDoc): void {
		const now = new Date();
		if (doc.bytes === 0 || (doc.lastAutoVersionAt && now.getTime() - doc.lastAutoVersionAt.getTime() < AUTO_VERSION_MS)) return;
		doc.lastAutoVersionAt = now;
		const state = Y.encodeStateAsUpdate(doc.ydoc);
		store
			.saveVersion({ documentId: doc.ref.id, name: now.toISOString().slice(0, 10), auto: true, state, createdBy: null })
			.catch((err) => log.error({ err, docId: doc.ref.id }, 'automatic version failed'));
	}

	function resetDocument(doc: LiveDoc): void {
		if (docs.get(doc.ref.id) === doc) docs.delete(doc.ref.id);
		for (const c of [...doc.conns]) close(c, 1011, 'document reloading');
		doc.awareness.destroy();
		doc.ydoc.destroy();
	}

	function disconnect(conn: Conn): void {
		if (conn.closed && !conn.doc.conns.has(conn)) return;
		conn.closed = true;
		const doc = conn.doc;
		doc.conns.delete(conn);
		dropHeld(doc, conn);
		const mine = byUser.get(conn.userId);
		mine?.delete(conn);
		if (mine?.size === 0) byUser.delete(conn.userId);
		if (conn.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(doc.awareness, [...conn.awarenessIds], null);
		if (doc.conns.size === 0) void unload(doc);
	}

	/** Unloads once the last batch is stored, unless someone connected meanwhile. */
	async function unload(doc: LiveDoc): Promise<void> {
		await doc.ready.catch(() => {});
		await new Promise<void>((resolve) => writer.enqueue({ marker: true, documentId: doc.ref.id, after: resolve }));
		if (doc.conns.size > 0 || docs.get(doc.ref.id) !== doc) return;
		if (doc.tailCount > 0 && !closing) await compact(doc);
		if (doc.conns.size > 0 || docs.get(doc.ref.id) !== doc) return;
		docs.delete(doc.ref.id);
		doc.awareness.destroy();
		doc.ydoc.destroy();
	}

	function send(conn: Conn, frame: Uint8Array): void {
		if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
		if (conn.ws.bufferedAmount > SEND_BUFFER_MAX) {
			log.warn({ docId: conn.doc.ref.id, userId: conn.userId }, 'client too slow to keep up: closing');
			return void close(conn, 1013, 'too slow');
		}
		conn.ws.send(frame, { binary: true });
	}

	function close(conn: Conn, code: number, reason: string): void {
		if (conn.ws.readyState === conn.ws.OPEN || conn.ws.readyState === conn.ws.CONNECTING) conn.ws.close(code, reason);
		disconnect(conn);
	}

	function closeWhere(match: (c: Conn) => boolean, code: number, reason: string): number {
		let n = 0;
		for (const conns of byUser.values()) {
			for (const c of [...conns]) {
				if (match(c)) {
					close(c, code, reason);
					n++;
				}
			}
		}
		return n;
	}

	return {
		connect,
		/** Closes every document connection of a user, except one session's. */
		closeUser(userId: string, exceptSessionId?: string): number {
			return closeWhere((c) => c.userId === userId && c.sessionId !== exceptSessionId, CloseCode.SessionEnded, 'session ended');
		},
		closeSession(sessionId: string): number {
			return closeWhere((c) => c.sessionId === sessionId, CloseCode.SessionEnded, 'session ended');
		},
		closeMembership(userId: string, spaceId: string): number {
			return closeWhere((c) => c.userId === userId && c.doc.ref.spaceId === spaceId, CloseCode.SessionEnded, 'no longer a member');
		},
		/** The live state of a document when it is open here (for versions), else null. */
		liveState(documentId: string): Uint8Array | null {
			const doc = docs.get(documentId);
			return doc?.loaded ? Y.encodeStateAsUpdate(doc.ydoc) : null;
		},
		/** Waits until every update received so far is stored. */
		flush: () => writer.drain(),
		stats() {
			let connections = 0;
			for (const conns of byUser.values()) connections += conns.size;
			return { documents: docs.size, connections, pendingWrites: writer.pending, ...writer.stats, ...counters };
		},
		/** Closes every connection (1001) and stores what was received; safe to call more than once. */
		close({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
			closed ??= shutDown(timeoutMs);
			return closed;
		}
	};

	async function shutDown(timeoutMs: number): Promise<void> {
		closing = true;
		clearInterval(ping);
		// Ask every client to go, but keep reading until each answers: an update already on the wire is
		// received, stored and not lost. Whoever has not answered within a few seconds is cut off.
		const open = [...byUser.values()].flatMap((conns) => [...conns]);
		const gone = Promise.all(open.map((c) => new Promise<void>((r) => (c.ws.readyState === c.ws.CLOSED ? r() : c.ws.once('close', () => r())))));
		for (const c of open) c.ws.close(1001, 'server shutting down');
		await Promise.race([gone, new Promise<void>((r) => setTimeout(r, Math.min(3000, timeoutMs)).unref())]);
		closeWhere(() => true, 1001, 'server shutting down');
		const drained = await Promise.race([writer.drain().then(() => true), new Promise<boolean>((r) => setTimeout(r, timeoutMs, false).unref())]);
		writer.stop();
		if (!drained) log.error({ pending: writer.pending }, 'shutting down with document updates not yet stored');
		for (const doc of docs.values()) {
			doc.awareness.destroy();
			doc.ydoc.destroy();
		}
		docs.clear();
	}
}

export type Relay = ReturnType<typeof createRelay>;

function toBytes(data: unknown, isBinary: boolean): Uint8Array | null {
	if (!isBinary) return null;
	if (data instanceof Uint8Array) return data;
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
	return null;
}
