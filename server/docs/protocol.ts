import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { SyncStep, YjsMessage, type ModeratedAction } from '../../src/lib/protocol/docs';
import { statsOf, type UpdateStats } from './attribution';

/** One client frame, fully parsed. Anything else is a protocol error and closes that connection only. */
export type ClientMessage =
	| { type: 'sync-step-1'; stateVector: Uint8Array }
	| { type: 'update'; update: Uint8Array; step2: boolean; stats: UpdateStats; decoded: ReturnType<typeof Y.decodeUpdate> }
	| { type: 'awareness'; update: Uint8Array }
	| { type: 'query-awareness' }
	| { type: 'auth' };

/** `reason` is a fixed description of what was wrong; it never quotes the frame (which may hold a minor's words). */
export class ProtocolError extends Error {
	override name = 'ProtocolError';
	constructor(readonly reason: string) {
		super(reason);
	}
}

/**
 * Parses a frame strictly: a known message type, every length inside the frame, no trailing bytes, and —
 * for updates — a Yjs update that decodes completely. Yjs applies an update in two phases and reads the
 * delete set while applying it, so a truncated update that reached `applyUpdate` could change the document
 * halfway; decoding it first here means a malformed update is refused before it touches anything.
 */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
	try {
		const decoder = decoding.createDecoder(frame);
		const type = decoding.readVarUint(decoder);
		let message: ClientMessage;
		switch (type) {
			case YjsMessage.Sync: {
				const step = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (step === SyncStep.Step1) {
					validateStateVector(payload);
					message = { type: 'sync-step-1', stateVector: payload };
				} else if (step === SyncStep.Step2 || step === SyncStep.Update) {
					const decoded = validateUpdate(payload);
					message = { type: 'update', update: payload, step2: step === SyncStep.Step2, stats: statsOf(decoded.structs), decoded };
				} else {
					throw new ProtocolError(`unknown sync step ${step}`);
				}
				break;
			}
			case YjsMessage.Awareness: {
				const update = decoding.readVarUint8Array(decoder);
				validateAwareness(update);
				message = { type: 'awareness', update };
				break;
			}
			case YjsMessage.QueryAwareness:
				message = { type: 'query-awareness' };
				break;
			case YjsMessage.Auth:
				// Clients have nothing to say on the auth channel; the stock provider never sends on it.
				decoding.readVarUint(decoder);
				decoding.readVarString(decoder);
				message = { type: 'auth' };
				break;
			default:
				throw new ProtocolError(`unknown message type ${type}`);
		}
		if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after the message');
		return message;
	} catch (err) {
		if (err instanceof ProtocolError) throw err;
		throw new ProtocolError(`undecodable frame (${(err as Error).name})`);
	}
}

function validateStateVector(sv: Uint8Array): void {
	const decoder = decoding.createDecoder(sv);
	const clients = decoding.readVarUint(decoder);
	if (clients > sv.length) throw new ProtocolError('state vector claims more clients than it has bytes');
	for (let i = 0; i < clients; i++) {
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
	}
	if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after the state vector');
}

function validateUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
	// decodeUpdate reads every struct and the whole delete set; it throws on anything truncated or unknown.
	const { structs, ds } = Y.decodeUpdate(update);
	// Each client's structs come as one contiguous run. Yjs keeps only the last run of a client listed twice
	// and parks it as pending, so such an update is refused here.
	const seen = new Set<number>();
	let previous: (typeof structs)[number] | null = null;
	for (const struct of structs) {
		if (!Number.isSafeInteger(struct.id.clock) || struct.length < 0 || !Number.isSafeInteger(struct.length)) {
			throw new ProtocolError('struct clock out of range');
		}
		if (previous && previous.id.client === struct.id.client) {
			if (struct.id.clock !== previous.id.clock + previous.length) throw new ProtocolError('gap inside a client run');
		} else {
			if (seen.has(struct.id.client)) throw new ProtocolError('client listed twice');
			seen.add(struct.id.client);
		}
		previous = struct;
	}
	// decodeUpdate joins the runs of a client listed twice into one, so compare with the header's count of runs.
	if (decoding.readVarUint(decoding.createDecoder(update)) !== seen.size) throw new ProtocolError('client listed twice');
	for (const deletes of ds.clients.values()) {
		for (const item of deletes) {
			if (!Number.isSafeInteger(item.clock) || !Number.isSafeInteger(item.len) || item.len < 0) {
				throw new ProtocolError('delete range out of range');
			}
		}
	}
	return { structs, ds };
}

function validateAwareness(update: Uint8Array): void {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	if (count > update.length) throw new ProtocolError('awareness update claims more states than it has bytes');
	for (let i = 0; i < count; i++) {
		decoding.readVarUint(decoder);
		decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		try {
			JSON.parse(state);
		} catch {
			throw new ProtocolError('awareness state is not JSON');
		}
	}
	if (decoding.hasContent(decoder)) throw new ProtocolError('trailing bytes after the awareness update');
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Sync);
	encoding.writeVarUint(encoder, SyncStep.Step1);
	encoding.writeVarUint8Array(encoder, Y.encodeStateVector(doc));
	return encoding.toUint8Array(encoder);
}

export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Sync);
	encoding.writeVarUint(encoder, SyncStep.Step2);
	encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc, stateVector));
	return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Sync);
	encoding.writeVarUint(encoder, SyncStep.Update);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Awareness);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** y-protocols auth "permission denied" (type 0), which the stock provider reports to its app. */
export function encodePermissionDenied(reason: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Auth);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarString(encoder, reason);
	return encoding.toUint8Array(encoder);
}

export function encodeModerated(action: ModeratedAction, reason: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Moderated);
	encoding.writeVarString(encoder, action);
	encoding.writeVarString(encoder, reason);
	return encoding.toUint8Array(encoder);
}

export function encodeStored(count: number): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, YjsMessage.Stored);
	encoding.writeVarUint(encoder, count);
	return encoding.toUint8Array(encoder);
}
