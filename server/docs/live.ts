import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CANVAS_SHAPES, TEXT_FRAGMENT, type DocumentKind } from '../../src/lib/protocol/docs';
import type { UpdateStats } from './attribution';
import type { DecodedUpdate } from './dependencies';
import { encodeAwareness, encodeUpdate } from './protocol';
import { framed, type Framed } from './wire';

export interface DocumentRef {
	id: string;
	spaceId: string;
	kind: DocumentKind;
}

export interface LiveDoc {
	ref: DocumentRef;
	ydoc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	conns: Set<Conn>;
	ready: Promise<void>;
	loaded: boolean;
	/** Stored bytes (snapshot + log) plus what is queued: the basis of the size limit. */
	bytes: number;
	tailCount: number;
	lastStoredId: number;
	lastAutoVersionAt: Date | null;
	/** The compaction in flight, if any; unloading and the next load of this document wait for it. */
	compaction: Promise<void> | null;
	/** Which connection speaks for each awareness client id. */
	awarenessOwners: Map<number, Conn>;
	/** Counts transactions that changed the document, to tell whether an applied update did anything. */
	changes: number;
	/** Updates waiting for content they build on (see receiveUpdate). */
	held: HeldUpdate[];
	/** The last update this document emitted (what a transaction really changed, as stored after moderation). */
	lastUpdate: Uint8Array | null;
	/** Send the current transaction's update to its origin too (moderation took something out of it). */
	echo: boolean;
	/** Texts waiting for their author to pause, for the deferred moderation hooks (see relay). */
	settling: Map<unknown, Map<string, unknown>>;
	/** With several processes: this document's channel between them (see relay); null with one process. */
	remote: RemoteState | null;
}

export interface RemoteState {
	/** Frames from the other processes that arrived while the document loaded; null once it is loaded. */
	backlog: Uint8Array[] | null;
	/** Their updates that build on content not here yet (lost on the way, or still in a sync answer). */
	held: Uint8Array[];
	/** Leaves the channel; null until the subscription is active. */
	leave: (() => Promise<void>) | null;
	/** The document is gone from this process: a subscription that completes now is left at once. */
	left: boolean;
	/** When this process last asked the others for what it lacks. */
	askedAt: number;
	/** Changes from the others applied here, and how many of them a snapshot written from here holds. */
	applied: number;
	folded: number;
	/**
	 * Updates other processes sent that they have not yet said are stored, by sending process: if one dies before
	 * its write commits, this process stores them after a while (see cluster.ts, CONFIRM_MS).
	 */
	unconfirmed: Map<string, Unconfirmed[]>;
}

/** Another process's update, kept until it says it is stored. */
export interface Unconfirmed {
	seq: number;
	authorId: string | null;
	update: Uint8Array;
	at: number;
}

export interface HeldUpdate {
	conn: Conn;
	seq: number;
	update: Uint8Array;
	stats: UpdateStats;
	decoded: DecodedUpdate;
	at: number;
}

export interface Conn {
	ws: WebSocket;
	doc: LiveDoc;
	userId: string;
	sessionId: string;
	canWrite: boolean;
	acks: boolean;
	/** Update-bearing messages received, and how many of them are handled (stored or refused). */
	received: number;
	handled: number;
	/** Handled messages beyond the acknowledged prefix (a held update can finish after later ones). */
	done: Set<number>;
	alive: boolean;
	deniedSent: boolean;
	closed: boolean;
	/** How many of this connection's updates are held, and their bytes. */
	held: number;
	heldBytes: number;
	/** Stamped into this connection's awareness states. */
	identity: { id: string; name: string };
	awarenessIds: Set<number>;
	backlog: Uint8Array[] | null;
	backlogBytes: number;
	lastActivity: number;
	onActivity?: () => void;
}

/** Marks the transaction that loads stored state, which clients receive in their sync step 2 instead. */
export const LOAD = Symbol('load');
/** Marks the server's own changes (moderation removing or restoring text): they go to every connection. */
export const SERVER = Symbol('server');
/** Marks what another process applied and sent over: shown to this process's clients, never stored or sent on. */
export const REMOTE = Symbol('remote');

/** Sends a change made here to the other processes (with several processes). */
export type Publish = (doc: LiveDoc, kind: 'update' | 'awareness', data: Uint8Array, origin: unknown) => void;

/**
 * A document held in memory with its awareness, fanning out every change to its other connections: each
 * update encoded (and framed for the wire) once and sent to everyone but its origin; awareness changes to everyone.
 */
export function createLiveDoc(ref: DocumentRef, send: (conn: Conn, frame: Framed) => void, publish?: Publish): LiveDoc {
	const ydoc = new Y.Doc({ gc: true });
	// Typed roots from the start: updates then land in a Y.XmlFragment / Y.Map (not a generic type), which the
	// moderation of document text reads.
	if (ref.kind === 'text') ydoc.getXmlFragment(TEXT_FRAGMENT);
	else ydoc.getMap(CANVAS_SHAPES);
	const awareness = new awarenessProtocol.Awareness(ydoc);
	awareness.setLocalState(null);
	const doc: LiveDoc = {
		ref,
		ydoc,
		awareness,
		conns: new Set(),
		ready: Promise.resolve(),
		loaded: false,
		bytes: 0,
		tailCount: 0,
		lastStoredId: 0,
		lastAutoVersionAt: null,
		compaction: null,
		awarenessOwners: new Map(),
		changes: 0,
		held: [],
		lastUpdate: null,
		echo: false,
		settling: new Map(),
		remote: publish ? { backlog: [], held: [], leave: null, left: false, askedAt: 0, applied: 0, folded: 0, unconfirmed: new Map() } : null
	};
	ydoc.on('update', (update: Uint8Array, origin: unknown) => {
		doc.changes += 1;
		doc.lastUpdate = update;
		// The stored state reaches clients in their sync step 2, not as an update.
		if (origin === LOAD) return;
		const frame = framed(encodeUpdate(update));
		for (const c of doc.conns) if (c !== origin || doc.echo) send(c, frame);
		// What this process applied (as stored, after moderation) goes to the others; what came from them does not go back.
		if (publish && origin !== REMOTE) publish(doc, 'update', update, origin);
	});
	awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
		const changed = [...added, ...updated, ...removed];
		if (origin && typeof origin === 'object' && 'awarenessIds' in origin) {
			const conn = origin as Conn;
			for (const id of [...added, ...updated]) {
				const previous = doc.awarenessOwners.get(id);
				if (previous && previous !== conn) previous.awarenessIds.delete(id);
				conn.awarenessIds.add(id);
				doc.awarenessOwners.set(id, conn);
			}
			for (const id of removed) {
				conn.awarenessIds.delete(id);
				if (doc.awarenessOwners.get(id) === conn) doc.awarenessOwners.delete(id);
			}
		}
		const payload = awarenessProtocol.encodeAwarenessUpdate(awareness, changed);
		const frame = framed(encodeAwareness(payload));
		for (const c of doc.conns) send(c, frame);
		// Each process times out the states it has not heard renewed for 30 s (y-protocols' outdatedTimeout), its
		// own clients' and the other processes' alike: so the states of a process that died go away on the others
		// within 30 s. A timeout is not news to the others, who run the same clock.
		if (publish && origin !== REMOTE && origin !== 'timeout') publish(doc, 'awareness', payload, origin);
	});
	return doc;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };
