import * as Y from 'yjs';

// What the processes of one deployment tell each other about an open document (see relay: several
// processes). Each open document has a bus channel of its own; a frame on it is [kind][body].

/** Kinds of frame on a document's channel. */
export const Frame = {
	/** A Yjs update the sender applied (from its own clients, or its own change): apply it, never store it. */
	Update: 0,
	/** An awareness update of the sender's own clients. */
	Awareness: 1,
	/** "Here is my state vector": whoever has the document open answers with what the sender lacks. */
	Sync: 2,
	/** As Sync, and the sender may lack nothing yet hold what others lack (it missed messages): ask it back. */
	SyncBoth: 3
} as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

/** Sent as a JSON topic: a connection closing must close on every process. */
export const CLOSE_TOPIC = 'docs:close';
export type Closing =
	| { what: 'user'; userId: string; exceptSessionId?: string }
	| { what: 'session'; sessionId: string }
	| { what: 'membership'; userId: string; spaceId: string }
	| { what: 'space'; spaceId: string };

export const channelOf = (documentId: string): string => `doc:${documentId}`;

export function encodeFrame(kind: FrameKind, body: Uint8Array): Uint8Array {
	const out = new Uint8Array(1 + body.byteLength);
	out[0] = kind;
	out.set(body, 1);
	return out;
}

export function decodeFrame(data: Uint8Array): { kind: FrameKind; body: Uint8Array } | null {
	const kind = data[0];
	if (kind === undefined || kind > Frame.SyncBoth) return null;
	return { kind: kind as FrameKind, body: data.subarray(1) };
}

/** Whether a state vector counts anything beyond what `doc` holds: its sender has content `doc` lacks. */
export function aheadOf(stateVector: Uint8Array, doc: Y.Doc): boolean {
	const mine = Y.encodeStateVector(doc);
	const have = Y.decodeStateVector(mine);
	for (const [client, clock] of Y.decodeStateVector(stateVector)) if (clock > (have.get(client) ?? 0)) return true;
	return false;
}

/** An update that changes nothing: no structs and an empty delete set (what a diff of an equal state is). */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.byteLength <= 2;
