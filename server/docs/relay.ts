import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CloseCode } from '../../src/lib/protocol/codes';
import { SyncStep, YjsMessage } from '../../src/lib/protocol/docs';
import type { Logger } from '../logger';
import {
	encodeAwareness,
	encodeModerated,
	encodePermissionDenied,
	encodeStored,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	parseClientMessage,
	ProtocolError,
	type ClientMessage
} from './protocol';
import { createLiveDoc, LOAD, SERVER, type Conn, type DocumentRef, type HeldUpdate, type LiveDoc } from './live';
import { CLOSE_TOPIC, closingSchema, createPeers, unfolded, type Closing } from './cluster';
import type { Bus } from '../scale';
import { createActivityRecorder } from './activity';
import { sanitizeAwareness } from './awareness';
import { addsContent } from './dependencies';
import { dropHeld, hold, mustHold, overdue, takeReady } from './held';
import {
	changedTargets,
	currentText,
	inspectField,
	inspectDeletions,
	inspectLinks,
	inspectText,
	isPutBack,
	stampAuthors,
	removeWrittenSince,
	restoreText,
	type DocFinding,
	type DocModerationContext,
	type Removal,
	type Target,
	type TextPlace
} from './moderation';
import type { ModerationPipeline } from '../moderation/pipeline';
import { TEXT_FRAGMENT } from '../../src/lib/protocol/docs';
import type { DocStore } from './store';
import { createWriter, type WrittenBatch } from './writer';
import { sendFramed, type Framed } from './wire';

export interface RelayLimits {
	maxDocumentBytes: number;
	maxOpenPerUser: number;
	pingIntervalMs: number;
	compactAfterUpdates: number;
	/** How long an update waits for others to share its write (see writer.ts). */
	writeLingerMs: number;
}

export interface ConnectOptions {
	document: DocumentRef;
	userId: string;
	sessionId: string;
	canWrite: boolean;
	acks: boolean;
	/** The display name stamped into this connection's awareness states. */
	displayName: string;
	/** Called at most once a minute while the connection edits: editing counts as activity for the session. */
	onActivity?: () => void;
}

/** Frames a connection may send while its document loads, and their bytes. */
const BACKLOG_MAX_FRAMES = 256;
const BACKLOG_MAX_BYTES = 16 * 1024 * 1024;
/** Bytes queued towards one client before it counts as too slow and is cut off. */
const SEND_BUFFER_MAX = 16 * 1024 * 1024;
const AUTO_VERSION_MS = 24 * 60 * 60 * 1000;
/** Updates held per connection (waiting for content they build on), their bytes, and how long they may wait. */
const HELD_MAX = 512;
const HELD_MAX_BYTES = 16 * 1024 * 1024;
const HELD_MS = 10_000;
/** A closed connection that does not finish the closing handshake is cut off after this. */
const CLOSE_GRACE_MS = 2000;
const AWARENESS_MAX_IDS = 4;
const AWARENESS_MAX_STATE_CHARS = 8 * 1024;

/** Moderation of the text people write into documents (see ./moderation.ts). */
export interface RelayModeration {
	pipeline: ModerationPipeline;
	/** Whether the space has a minor, and the policy; read when a document loads and when someone connects. */
	context(spaceId: string): Promise<DocModerationContext>;
	/** Keeps what was taken out: held text for review; blocked text too where a minor is present. */
	record(finding: DocFinding): Promise<void>;
	/** How long an author must pause before the deferred hooks read their text. */
	settleMs?: number;
}

export interface RelayOptions {
	store: DocStore;
	logger: Logger;
	limits: RelayLimits;
	moderation?: RelayModeration;
	/**
	 * With several processes (scale mode 'redis'): the bus between them. Each open document has a channel there;
	 * without a bus the relay serves this process alone.
	 */
	bus?: Bus;
}

/** Until a space's context is known, it is read the strict way: a minor present, contact details filtered. */
const STRICT: DocModerationContext = { minorsPresent: true, policy: { contactFilterForMinors: true } };

/** A text waiting for its author to pause before the deferred hooks read it. */
interface Settling {
	target: Target;
	authorId: string;
	authorName: string;
	/** Text nodes: per Yjs client, the first clock written since the author's last pause. */
	since: Map<number, number>;
	/** Shape fields: the value before the author started. */
	startValue: string;
	timer: ReturnType<typeof setTimeout>;
}

/**
 * The y-websocket relay: one Y.Doc per open document, loaded before any client is answered, fanned out in
 * memory, and written through the group-commit writer. A client's update is broadcast at once and
 * acknowledged (`Stored`) only after the batch holding it has committed.
 */
export function createRelay({ store, logger, limits, moderation, bus }: RelayOptions) {
	const log = logger.child({ ns: 'docs' });
	const docs = new Map<string, LiveDoc>();
	/** Compactions in flight by document id; they may outlive the instance that started them. */
	const compactions = new Map<string, Promise<void>>();
	const byUser = new Map<string, Set<Conn>>();
	const counters = { droppedObserverUpdates: 0, malformedFrames: 0, refusedTooLarge: 0, compactions: 0, moderatedRemovals: 0 };
	/** Moderation context per space, as last read. */
	const contexts = new Map<string, DocModerationContext>();
	let closing = false;
	let closed: Promise<void> | null = null;

	const activity = createActivityRecorder({ store, logger });
	const writer = createWriter<Conn>({
		store,
		logger,
		onWritten,
		lingerMs: limits.writeLingerMs,
		// The update can never be stored: its sender must not wait for an acknowledgement that will not come.
		onRefused: (e) => e.ack && close(e.ack.conn, 1011, 'an update could not be stored')
	});

	// With several processes: each open document's channel between them (./cluster.ts), and closings from the others.
	const peers = bus
		? createPeers({
				bus,
				logger: log,
				documents: () => docs.values(),
				// A client's update held for content another process had may go in now.
				afterRemote: (doc) => {
					for (let ready = takeReady(doc); ready; ready = takeReady(doc)) applyClientUpdate(ready);
				},
				reset: (doc) => resetDocument(doc),
				// Another process's updates it never confirmed storing: stored here (not published: the others have them).
				persist: (doc, updates) => {
					for (const u of updates) writer.enqueue({ documentId: doc.ref.id, authorId: u.authorId, data: u.update, stats: { chars: 0, shapes: 0 } });
				}
			})
		: null;
	const stopClosing = bus?.on<Closing>(CLOSE_TOPIC, (closing) => void closeHere(closing), closingSchema);

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
		const doc = createLiveDoc(ref, send, peers?.publish);
		doc.ready = load(doc);
		docs.set(ref.id, doc);
		doc.ready.catch((err) => {
			log.error({ err, docId: ref.id }, 'loading a document failed');
			// Forget the failed load so the next connection tries again.
			if (docs.get(ref.id) === doc) docs.delete(ref.id);
			destroy(doc);
			for (const c of [...doc.conns]) close(c, 1011, 'could not load the document');
		});
		return doc;
	}

	/**
	 * Loads after everything an earlier instance of this document queued is written and its compaction has
	 * finished, so the snapshot and the log tail read here are the whole story.
	 */
	async function load(doc: LiveDoc): Promise<void> {
		// With several processes, listen before reading: whatever another process applies from now on is either
		// in the database read below or arrives on the channel (kept until the state is loaded).
		if (peers) await peers.join(doc);
		await barrier(doc.ref.id);
		await compactions.get(doc.ref.id);
		await refreshContext(doc.ref.spaceId);
		const stored = await store.load(doc.ref.id);
		if (stored.updates.length > 0) Y.applyUpdate(doc.ydoc, Y.mergeUpdates(stored.updates), LOAD);
		doc.bytes = stored.bytes;
		doc.tailCount = stored.tailCount;
		doc.lastStoredId = stored.lastId;
		doc.lastAutoVersionAt = stored.lastAutoVersionAt;
		peers?.catchUp(doc);
		doc.loaded = true;
		// Another process may hold updates not stored yet: ask for them (they arrive as updates to everyone).
		peers?.ask(doc, false);
		if (stored.tailCount >= limits.compactAfterUpdates) compact(doc);
	}

	/** Resolves once everything queued for the writer so far (for any document) is written. */
	function barrier(documentId: string): Promise<void> {
		return new Promise<void>((resolve) => writer.enqueue({ marker: true, documentId, after: resolve }));
	}

	async function refreshContext(spaceId: string): Promise<void> {
		if (!moderation) return;
		try {
			contexts.set(spaceId, await moderation.context(spaceId));
		} catch (err) {
			log.error({ err, spaceId }, 'moderation context lookup failed; moderating document text as if a minor were present');
			contexts.set(spaceId, STRICT);
		}
	}

	function destroy(doc: LiveDoc): void {
		if (doc.remote) {
			doc.remote.left = true;
			void doc.remote.leave?.();
		}
		for (const byAuthor of doc.settling.values()) for (const s of byAuthor.values()) clearTimeout((s as Settling).timer);
		doc.settling.clear();
		doc.awareness.destroy();
		doc.ydoc.destroy();
	}

	function connect(ws: WebSocket, options: ConnectOptions): { close(code: number, reason: string): void } {
		if (closing) {
			ws.close(1001, 'server shutting down');
			return { close: () => {} };
		}
		const mineBefore = byUser.get(options.userId)?.size ?? 0;
		if (mineBefore >= limits.maxOpenPerUser) {
			ws.close(CloseCode.RateLimited, 'too many open documents');
			return { close: () => {} };
		}
		const doc = liveDoc(options.document);
		// Someone new in the space may be a minor: read the context again (the first load waits for it).
		if (doc.loaded) void refreshContext(doc.ref.spaceId);
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
			heldBytes: 0,
			identity: { id: options.userId, name: options.displayName },
			awarenessIds: new Set(),
			backlog: [],
			backlogBytes: 0,
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
			// A connection the server has closed is done: frames still in flight after the close (from a
			// removed member, say) are never applied.
			if (conn.closed) return;
			const frame = toBytes(data, isBinary);
			if (!frame) return void close(conn, CloseCode.InvalidMessage, 'binary frames only');
			if (conn.backlog) {
				conn.backlogBytes += frame.byteLength;
				if (conn.backlog.length >= BACKLOG_MAX_FRAMES || conn.backlogBytes > BACKLOG_MAX_BYTES) {
					return void close(conn, CloseCode.RateLimited, 'too many messages while loading');
				}
				conn.backlog.push(frame);
			} else {
				receive(conn, frame);
			}
		});

		doc.ready.then(
			() => {
				if (conn.closed) return;
				send(conn, encodeSyncStep1(doc.ydoc));
				const states = [...doc.awareness.getStates().keys()];
				if (states.length > 0) send(conn, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, states)));
				const backlog = conn.backlog ?? [];
				conn.backlog = null;
				conn.backlogBytes = 0;
				for (const frame of backlog) if (!conn.closed) receive(conn, frame);
			},
			() => {} // handled once for the document in liveDoc
		);
		return { close: (code, reason) => close(conn, code, reason) };
	}

	function receive(conn: Conn, frame: Uint8Array): void {
		// A read-only connection's edits are refused unread; only tiny frames (its empty sync step 2) are parsed.
		if (!conn.canWrite && frame.byteLength > 16 && frame[0] === YjsMessage.Sync && (frame[1] === SyncStep.Step2 || frame[1] === SyncStep.Update)) {
			conn.received += 1;
			return refuseObserverEdit(conn, conn.received);
		}
		let message: ClientMessage;
		try {
			message = parseClientMessage(frame);
		} catch (err) {
			counters.malformedFrames += 1;
			// The reason names what was wrong with the frame's structure; it never quotes the frame.
			log.warn({ docId: conn.doc.ref.id, userId: conn.userId, bytes: frame.byteLength, reason: (err as ProtocolError).reason }, 'malformed frame: connection closed');
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
			case 'awareness': {
				// Each connection speaks only for itself: its own client ids (a few), small states, its own name.
				const update = sanitizeAwareness(message.update, {
					identity: conn.identity,
					mayUse: (id) => {
						const owner = doc.awarenessOwners.get(id);
						return !owner || owner === conn || owner.closed || owner.userId === conn.userId;
					},
					owned: conn.awarenessIds,
					maxIds: AWARENESS_MAX_IDS,
					maxStateChars: AWARENESS_MAX_STATE_CHARS,
					mayPoint: conn.canWrite
				});
				if (update) awarenessProtocol.applyAwarenessUpdate(doc.awareness, update, conn);
				return;
			}
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
			if (conn.held >= HELD_MAX || conn.heldBytes + update.update.byteLength > HELD_MAX_BYTES) {
				return void close(conn, CloseCode.RateLimited, 'too many updates waiting for missing content');
			}
			// Ask the client for whatever it has that the server lacks; its sync step 2 brings the missing content.
			if (conn.held === 0) send(conn, encodeSyncStep1(doc.ydoc));
			return hold(doc, update);
		}
		applyClientUpdate(update);
		for (let ready = takeReady(doc); ready; ready = takeReady(doc)) applyClientUpdate(ready);
	}

	/**
	 * Held updates whose content never came are dropped and their senders closed with 1002, a code clients
	 * reconnect on: the fresh sync then sends the server everything it lacks.
	 */
	function expireHeld(now: number): void {
		for (const doc of docs.values()) {
			for (const conn of overdue(doc, now, HELD_MS)) {
				log.warn({ docId: doc.ref.id, userId: conn.userId }, 'update depends on content never received: connection closed to resync');
				close(conn, 1002, 'update depends on content the server does not have; reconnect to resync');
			}
		}
	}

	function refuseObserverEdit(conn: Conn, seq: number): void {
		counters.droppedObserverUpdates += 1;
		if (!conn.deniedSent) {
			conn.deniedSent = true;
			send(conn, encodePermissionDenied('read-only'));
		}
		markHandled(conn, seq);
	}

	function applyClientUpdate({ conn, seq, update, stats, decoded }: HeldUpdate): void {
		const doc = conn.doc;
		if (!conn.canWrite) {
			// An observer's client still answers sync step 1 with an (empty) step 2; only real edits count.
			const empty = decoded.structs.length === 0 && decoded.ds.clients.size === 0;
			if (empty) return markHandled(conn, seq);
			return refuseObserverEdit(conn, seq);
		}
		// Only an update that adds content counts against the limit: a full document must still open, and a
		// reconnecting client's sync step 2 repeats what the server has.
		if (doc.bytes + update.byteLength > limits.maxDocumentBytes && addsContent(decoded, doc.ydoc)) {
			counters.refusedTooLarge += 1;
			log.warn({ docId: doc.ref.id, userId: conn.userId, bytes: doc.bytes }, 'document size limit reached: update refused');
			return void close(conn, CloseCode.TooLarge, 'document too large');
		}
		if (addsContent(decoded, doc.ydoc)) autoVersionBeforeEdit(doc);
		const before = doc.changes;
		// With several processes the document may already wait for content another process has not sent yet.
		const pendingBefore = doc.remote !== null && (doc.ydoc.store.pendingStructs !== null || doc.ydoc.store.pendingDs !== null);
		let removals: Removal[] = [];
		let rewritten = false;
		try {
			if (moderation) {
				doc.ydoc.transact((tr) => {
					Y.applyUpdate(doc.ydoc, update, conn);
					// Content left pending by this update means a crafted update (refused below); content already pending
					// before it (another process's, with several processes) must not switch moderation off.
					if (pendingBefore || (doc.ydoc.store.pendingStructs === null && doc.ydoc.store.pendingDs === null)) removals = inspect(doc, tr, conn);
					// What was taken out (or rewritten) must reach the author too; what goes to everyone no longer holds it.
					rewritten = doc.echo || removals.length > 0;
					doc.echo = rewritten;
				}, conn);
			} else {
				Y.applyUpdate(doc.ydoc, update, conn);
			}
		} catch (err) {
			// Validation came first, so this should not happen; if it does, the in-memory document may be half
			// changed. Drop it without storing anything: every client reconnects and resyncs from the database.
			log.error({ err, docId: doc.ref.id, userId: conn.userId }, 'applying a validated update failed: reloading the document');
			return void resetDocument(doc);
		} finally {
			doc.echo = false;
		}
		// Dependencies were checked, so Yjs has nothing to park. If it did, the update was crafted to slip past
		// the checks: the in-memory state holds content that will never be stored. Refuse it and start over.
		if (!pendingBefore && (doc.ydoc.store.pendingStructs !== null || doc.ydoc.store.pendingDs !== null)) {
			counters.malformedFrames += 1;
			log.warn({ docId: doc.ref.id, userId: conn.userId }, 'update left content pending: refused, document reloaded');
			close(conn, CloseCode.InvalidMessage, 'malformed update');
			return void resetDocument(doc);
		}
		if (doc.changes !== before) {
			// After a removal (or a rewrite) the stored update is the one that went out, without the removed text.
			const data = rewritten && doc.lastUpdate ? doc.lastUpdate : update;
			doc.bytes += data.byteLength;
			writer.enqueue({ documentId: doc.ref.id, authorId: conn.userId, data, stats, ack: { conn, seq }, published: peers?.lastPublished() });
			for (const r of removals) reportRemoval(doc, conn.userId, r);
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
		// Rows count for the instance that applied them; an older instance of the same document (unloaded
		// or reset) may still have had rows in flight.
		const written = new Set<LiveDoc>();
		const now = new Date();
		for (const e of entries) {
			if (!e.marker && e.authorId) activity.add({ documentId: e.documentId, userId: e.authorId, stats: e.stats, at: now });
			if (!e.marker && e.ack) {
				const doc = e.ack.conn.doc;
				if (docs.get(doc.ref.id) === doc) {
					doc.tailCount += 1;
					written.add(doc);
				}
			}
			if (e.ack && markDone(e.ack.conn, e.ack.seq)) advanced.add(e.ack.conn);
		}
		for (const conn of advanced) if (conn.acks && !conn.closed) send(conn, encodeStored(conn.handled));
		// With several processes: the others may forget what they were keeping in case this process died before storing it.
		if (peers) {
			const confirmed = new Map<LiveDoc, number>();
			for (const e of entries) {
				if (e.marker || e.published === undefined) continue;
				const doc = docs.get(e.documentId);
				if (doc) confirmed.set(doc, Math.max(confirmed.get(doc) ?? 0, e.published));
			}
			for (const [doc, seq] of confirmed) peers.confirm(doc, seq);
		}
		for (const doc of written) {
			doc.lastStoredId = Math.max(doc.lastStoredId, lastIds.get(doc.ref.id) ?? 0);
			if (doc.tailCount >= limits.compactAfterUpdates) compact(doc);
		}
	}

	/**
	 * Folds the stored log into a snapshot. With one process that is the in-memory state, which holds every row up
	 * to `upTo` (rows are applied before they are queued); rows written meanwhile have higher ids and stay in the
	 * log. With several, see store.compactShared.
	 */
	function compact(doc: LiveDoc): Promise<void> {
		const remote = doc.remote;
		if (doc.compaction || (doc.lastStoredId === 0 && !unfolded(doc))) return doc.compaction ?? Promise.resolve();
		const id = doc.ref.id;
		const tailBefore = doc.tailCount;
		const bytesBefore = doc.bytes;
		const state = Y.encodeStateAsUpdate(doc.ydoc);
		// With several processes no memory holds every row (another process's may still be on the way here): the
		// database folds its own log (store.compactShared), and this process's state with it. The state holds what
		// the others sent, which their process stores; folding it too keeps it when that process died before its
		// write committed. With one process, the in-memory state holds every row up to lastStoredId, since rows are
		// applied before they are queued.
		const applied = remote?.applied ?? 0;
		const folding = remote
			? store.compactShared(id, state).then(({ bytes }) => ((remote.folded = Math.max(remote.folded, applied)), bytes))
			: store.compact(id, state, doc.lastStoredId).then(() => state.byteLength);
		const run = folding
			.then((snapshotBytes) => {
				doc.tailCount = Math.max(0, doc.tailCount - tailBefore);
				doc.bytes = snapshotBytes + Math.max(0, doc.bytes - bytesBefore);
				counters.compactions += 1;
			})
			.catch((err) => log.error({ err, docId: id }, 'compaction failed; the log is kept as it is'))
			.finally(() => {
				doc.compaction = null;
				if (compactions.get(id) === run) compactions.delete(id);
			});
		doc.compaction = run;
		compactions.set(id, run);
		return run;
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
		destroy(doc);
	}

	function disconnect(conn: Conn): void {
		if (conn.closed && !conn.doc.conns.has(conn)) return;
		conn.closed = true;
		const doc = conn.doc;
		doc.conns.delete(conn);
		dropHeld(doc, conn);
		for (const id of conn.awarenessIds) if (doc.awarenessOwners.get(id) === conn) doc.awarenessOwners.delete(id);
		const mine = byUser.get(conn.userId);
		mine?.delete(conn);
		if (mine?.size === 0) byUser.delete(conn.userId);
		if (conn.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(doc.awareness, [...conn.awarenessIds], null);
		if (doc.conns.size === 0) void unload(doc);
	}

	/** Unloads once the last batch is stored, unless someone connected meanwhile. */
	async function unload(doc: LiveDoc): Promise<void> {
		if (!(await doc.ready.then(() => true, () => false))) return;
		// Texts still waiting for their authors to pause are read now, while the document is in memory.
		await settleAll(doc);
		await barrier(doc.ref.id);
		if (doc.conns.size > 0 || docs.get(doc.ref.id) !== doc) return;
		if ((doc.tailCount > 0 || unfolded(doc)) && !closing) await compact(doc);
		else await doc.compaction;
		if (doc.conns.size > 0 || docs.get(doc.ref.id) !== doc) return;
		docs.delete(doc.ref.id);
		destroy(doc);
	}

	// ------------------------------------------------------------------ moderation of document text

	function moderationContext(spaceId: string): DocModerationContext {
		return contexts.get(spaceId) ?? STRICT;
	}

	/** Inside the transaction that applied `conn`'s update: checks what it touched with the immediate hooks. */
	function inspect(doc: LiveDoc, tr: Y.Transaction, conn: Conn): Removal[] {
		const pipeline = moderation!.pipeline;
		const context = moderationContext(doc.ref.spaceId);
		const check = (text: string) =>
			pipeline.checkNow({ spaceId: doc.ref.spaceId, authorId: conn.userId, authorName: conn.identity.name, text, lang: 'und', kind: 'doc', ...context });
		const removals: Removal[] = [];
		for (const target of changedTargets(tr, doc.ref.kind, doc.ydoc)) {
			if (target.type === 'text') {
				const link = inspectLinks(target.node, tr, check);
				if (link) removals.push(link);
			}
			const joined = target.type === 'text' ? inspectDeletions(target.node, tr, check) : null;
			if (joined) removals.push(joined);
			const removal = target.type === 'text' ? inspectText(target.node, tr, check) : inspectField(target, check);
			if (removal) removals.push(removal);
			if (!removal && pipeline.hasDeferred) settleLater(doc, target, conn, tr);
		}
		if (doc.ref.kind === 'canvas' && stampAuthors(tr, doc.ydoc, conn.identity)) doc.echo = true;
		return removals;
	}

	function settleKey(target: Target): unknown {
		return target.type === 'text' ? target.node : `${target.shapeId}\u0000${target.field}`;
	}

	/** Restarts the author's pause timer on a text; the deferred hooks read it when it runs out. */
	function settleLater(doc: LiveDoc, target: Target, conn: Conn, tr: Y.Transaction): void {
		const key = settleKey(target);
		const byAuthor = (doc.settling.get(key) as Map<string, Settling> | undefined) ?? new Map<string, Settling>();
		doc.settling.set(key, byAuthor);
		let entry = byAuthor.get(conn.userId);
		if (!entry) {
			entry = {
				target,
				authorId: conn.userId,
				authorName: conn.identity.name,
				since: new Map(),
				startValue: target.type === 'field' ? previousFieldValue(target) : '',
				timer: undefined as unknown as ReturnType<typeof setTimeout>
			};
			byAuthor.set(conn.userId, entry);
		}
		if (target.type === 'text') {
			// (The transaction is still open: its afterState is not known yet, the store's clocks are.)
			for (const [client, structs] of doc.ydoc.store.clients) {
				const before = tr.beforeState.get(client) ?? 0;
				const last = structs[structs.length - 1];
				if (last && last.id.clock + last.length > before && !entry.since.has(client) && !isPutBack(tr, client, before)) entry.since.set(client, before);
			}
		}
		clearTimeout(entry.timer);
		const settling = entry;
		entry.timer = setTimeout(() => void settle(doc, key, settling), moderation!.settleMs ?? 1500);
		entry.timer.unref();
	}

	async function settleAll(doc: LiveDoc): Promise<void> {
		const waiting = [...doc.settling.entries()].flatMap(([key, byAuthor]) => [...(byAuthor as Map<string, Settling>).values()].map((s) => ({ key, s })));
		for (const { s } of waiting) clearTimeout(s.timer);
		await Promise.all(waiting.map(({ key, s }) => settle(doc, key, s)));
	}

	/** Runs the deferred hooks on a text its author paused on, and removes what they refuse. */
	async function settle(doc: LiveDoc, key: unknown, entry: Settling): Promise<void> {
		const byAuthor = doc.settling.get(key) as Map<string, Settling> | undefined;
		if (byAuthor?.get(entry.authorId) !== entry) return;
		byAuthor.delete(entry.authorId);
		if (byAuthor.size === 0) doc.settling.delete(key);
		const text = currentText(entry.target);
		if (!text.trim()) return;
		const context = moderationContext(doc.ref.spaceId);
		let decision;
		try {
			decision = await moderation!.pipeline.run(
				{ spaceId: doc.ref.spaceId, authorId: entry.authorId, authorName: entry.authorName, authorRole: null, text, lang: 'und', kind: 'doc', clientId: null, editOf: null, ...context },
				{ deferred: true }
			);
		} catch (err) {
			log.error({ err, docId: doc.ref.id }, 'moderation of document text failed; the text is held for review');
			decision = { action: 'hold' as const, text, hook: 'pipeline', reason: 'hook_failed', outcomes: [] };
		}
		if (decision.action !== 'hold' && decision.action !== 'block') return;
		if (docs.get(doc.ref.id) !== doc || !doc.loaded) return void log.warn({ docId: doc.ref.id }, 'document unloaded before its text was moderated');
		let removal: Removal | null = null;
		doc.ydoc.transact(() => {
			const target = entry.target;
			if (target.type === 'text') removal = removeWrittenSince(target.node, entry.since, decision);
			else if (!target.shape._item?.deleted && target.shape.get(target.field) === text) {
				target.shape.set(target.field, entry.startValue);
				removal = { decision, text, place: { type: 'field', shapeId: target.shapeId, field: target.field } };
			}
		}, SERVER);
		if (!removal || !doc.lastUpdate) return;
		doc.bytes += doc.lastUpdate.byteLength;
		writer.enqueue({ documentId: doc.ref.id, authorId: entry.authorId, data: doc.lastUpdate, stats: { chars: 0, shapes: 0 }, published: peers?.lastPublished() });
		reportRemoval(doc, entry.authorId, removal);
	}

	function previousFieldValue(target: Extract<Target, { type: 'field' }>): string {
		const left = target.shape._map.get(target.field)?.left;
		const value = left && left.content instanceof Y.ContentAny ? left.content.arr[0] : undefined;
		return typeof value === 'string' ? value : '';
	}

	/** Tells the author's connections what happened, and has moderation keep a record. */
	function reportRemoval(doc: LiveDoc, authorId: string, { decision, text, place }: Removal): void {
		counters.moderatedRemovals += 1;
		const action = decision.action === 'hold' ? 'hold' : 'block';
		const reason = decision.reason ?? 'unspecified';
		log.info({ docId: doc.ref.id, userId: authorId, action, hook: decision.hook, reason }, 'moderation took text out of a document');
		const frame = encodeModerated(action === 'hold' ? 'held' : 'removed', reason);
		for (const c of byUser.get(authorId) ?? []) if (c.doc === doc && c.acks) send(c, frame);
		const context = moderationContext(doc.ref.spaceId);
		moderation!
			.record({ documentId: doc.ref.id, spaceId: doc.ref.spaceId, authorId, action, hook: decision.hook ?? 'pipeline', reason, text, place, minorsPresent: context.minorsPresent })
			.catch((err) => log.error({ err, docId: doc.ref.id }, 'recording text taken out of a document failed'));
	}

	/** Puts text a moderator approved back into its document (loading it if nobody has it open). */
	async function restore({ document, authorId, place, text }: { document: DocumentRef; authorId: string; place: TextPlace; text: string }): Promise<boolean> {
		if (closing) return false;
		const doc = liveDoc(document);
		await doc.ready;
		let restored = false;
		doc.ydoc.transact(() => {
			restored = restoreText(doc.ydoc, doc.ref.kind, place, text, doc.ydoc.getXmlFragment(TEXT_FRAGMENT));
		}, SERVER);
		if (restored && doc.lastUpdate) {
			doc.bytes += doc.lastUpdate.byteLength;
			writer.enqueue({ documentId: doc.ref.id, authorId, data: doc.lastUpdate, stats: { chars: text.length, shapes: 0 }, published: peers?.lastPublished() });
		}
		if (doc.conns.size === 0) void unload(doc);
		return restored;
	}

	function send(conn: Conn, frame: Uint8Array | Framed): void {
		if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
		if (conn.ws.bufferedAmount > SEND_BUFFER_MAX) {
			// Closing politely would queue behind the same backlog; cut it off and let it resync later.
			log.warn({ docId: conn.doc.ref.id, userId: conn.userId }, 'client too slow to keep up: cut off');
			conn.ws.terminate();
			return disconnect(conn);
		}
		if (frame instanceof Uint8Array) conn.ws.send(frame, { binary: true });
		else sendFramed(conn.ws, frame);
	}

	function close(conn: Conn, code: number, reason: string): void {
		const ws = conn.ws;
		if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
			ws.close(code, reason);
			// A client that ignores the close frame is cut off rather than kept for ws's 30 s default.
			setTimeout(() => ws.readyState !== ws.CLOSED && ws.terminate(), CLOSE_GRACE_MS).unref();
		}
		disconnect(conn);
	}

	/** Closes the matching connections of this process. */
	function closeHere(closing: Closing): number {
		switch (closing.what) {
			case 'user':
				return closeWhere((c) => c.userId === closing.userId && c.sessionId !== closing.exceptSessionId, CloseCode.SessionEnded, 'session ended');
			case 'session':
				return closeWhere((c) => c.sessionId === closing.sessionId, CloseCode.SessionEnded, 'session ended');
			case 'membership':
				return closeWhere((c) => c.userId === closing.userId && c.doc.ref.spaceId === closing.spaceId, CloseCode.SessionEnded, 'no longer a member');
			case 'space':
				return closeWhere((c) => c.doc.ref.spaceId === closing.spaceId, CloseCode.SessionEnded, 'session ended by a moderator');
		}
	}

	/** Closes them here and on every other process; returns how many closed here. */
	function closeEverywhere(closing: Closing): number {
		bus?.publish(CLOSE_TOPIC, closing);
		return closeHere(closing);
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
		restore,
		// Access ends wherever the request was handled; these close on every process (the count is this one's).
		/** Closes every document connection of a user, except one session's. */
		closeUser(userId: string, exceptSessionId?: string): number {
			return closeEverywhere(exceptSessionId === undefined ? { what: 'user', userId } : { what: 'user', userId, exceptSessionId });
		},
		closeSession(sessionId: string): number {
			return closeEverywhere({ what: 'session', sessionId });
		},
		closeMembership(userId: string, spaceId: string): number {
			return closeEverywhere({ what: 'membership', userId, spaceId });
		},
		/** A moderator ended the space's live session: every document connection in it closes. */
		closeSpace(spaceId: string): number {
			return closeEverywhere({ what: 'space', spaceId });
		},
		/** Closes matching connections on this process only (after checking access afresh, say). */
		closeHere,
		/** Who holds document connections here: each distinct person, session and space once. */
		connections(): { userId: string; sessionId: string; spaceId: string }[] {
			const seen = new Map<string, { userId: string; sessionId: string; spaceId: string }>();
			for (const conns of byUser.values()) {
				for (const c of conns) seen.set(`${c.sessionId}/${c.doc.ref.spaceId}`, { userId: c.userId, sessionId: c.sessionId, spaceId: c.doc.ref.spaceId });
			}
			return [...seen.values()];
		},
		/** The spaces with a document open here. */
		openSpaces(): Set<string> {
			return new Set([...docs.values()].map((d) => d.ref.spaceId));
		},
		/** Everyone with a document of the space open here. */
		usersIn(spaceId: string): string[] {
			const out: string[] = [];
			for (const [userId, conns] of byUser) if ([...conns].some((c) => c.doc.ref.spaceId === spaceId)) out.push(userId);
			return out;
		},
		/**
		 * Whether a user's open connections to the space's documents may write, from their next frame on (a mute or
		 * a lock began or ended). Refused updates are dropped as for observers.
		 */
		setWritable({ spaceId, userId }: { spaceId: string; userId: string }, writable: boolean): number {
			let n = 0;
			for (const c of byUser.get(userId) ?? []) {
				if (c.doc.ref.spaceId !== spaceId || c.canWrite === writable) continue;
				c.canWrite = writable;
				c.deniedSent = false;
				n++;
			}
			return n;
		},
		/** The live state of a document when it is open here (for versions), else null. */
		liveState(documentId: string): Uint8Array | null {
			const doc = docs.get(documentId);
			return doc?.loaded ? Y.encodeStateAsUpdate(doc.ydoc) : null;
		},
		/** Waits until every update received so far is stored, and its attribution written. */
		async flush(): Promise<void> {
			await writer.drain();
			await activity.flush();
		},
		/** Writes the attribution of everything stored so far. */
		flushActivity: () => activity.flush(),
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
		peers?.stop();
		stopClosing?.();
		// Ask every client to go, but keep reading until each answers: an update already on the wire is
		// received, stored and not lost. Whoever has not answered within a few seconds is cut off.
		const open = [...byUser.values()].flatMap((conns) => [...conns]);
		const gone = Promise.all(open.map((c) => new Promise<void>((r) => (c.ws.readyState === c.ws.CLOSED ? r() : c.ws.once('close', () => r())))));
		for (const c of open) c.ws.close(1001, 'server shutting down');
		await Promise.race([gone, new Promise<void>((r) => setTimeout(r, Math.min(3000, timeoutMs)).unref())]);
		closeWhere(() => true, 1001, 'server shutting down');
		// Other processes' updates not yet confirmed as stored go with this process's last writes: if their sender
		// died, an update stored here that builds on them would otherwise be unreadable (duplicates do no harm).
		for (const doc of docs.values()) {
			for (const list of doc.remote?.unconfirmed.values() ?? []) {
				for (const u of list.splice(0)) writer.enqueue({ documentId: doc.ref.id, authorId: u.authorId, data: u.update, stats: { chars: 0, shapes: 0 } });
			}
		}
		const drained = await Promise.race([writer.drain().then(() => true), new Promise<boolean>((r) => setTimeout(r, timeoutMs, false).unref())]);
		writer.stop();
		await activity.close();
		if (!drained) log.error({ pending: writer.pending }, 'shutting down with document updates not yet stored');
		for (const doc of docs.values()) destroy(doc);
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
