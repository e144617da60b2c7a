import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CANVAS_SHAPES, TEXT_FRAGMENT } from '../../src/lib/protocol/docs';

export interface AwarenessPolicy {
	/** Who is speaking: stamped into every state as `user.id` / `user.name`, so nobody can pose as someone else. */
	identity: { id: string; name: string };
	/** May this connection set the state of client id `id`? (false when another person's connection owns it) */
	mayUse: (clientId: number) => boolean;
	/** How many client ids the connection may speak for; states for further new ids are dropped. */
	maxIds: number;
	/** The ids this connection already speaks for. */
	owned: ReadonlySet<number>;
	/** Largest JSON state accepted per client id, in characters. */
	maxStateChars: number;
	/**
	 * May this connection show a caret or pointer? Not when it may not write (an observer, someone muted or
	 * paused, a locked space): their presence shows, their pointing does not.
	 */
	mayPoint?: boolean;
}

/** The root types a caret may be anchored to by name (see src/lib/protocol/docs.ts). */
const ROOT_NAMES = new Set([TEXT_FRAGMENT, CANVAS_SHAPES]);

/**
 * Rewrites a client's awareness update before it is applied: drops states for ids it may not use or beyond
 * its quota, drops oversized states, and stamps the speaker's identity into each state's `user` field.
 * The frame was fully validated by the protocol parser, so decoding cannot fail here.
 */
export function sanitizeAwareness(update: Uint8Array, policy: AwarenessPolicy): Uint8Array | null {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const kept: { id: number; clock: number; state: string }[] = [];
	let newIds = 0;
	for (let i = 0; i < count; i++) {
		const id = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const json = decoding.readVarString(decoder);
		if (!policy.mayUse(id)) continue;
		if (!policy.owned.has(id)) {
			if (policy.owned.size + newIds >= policy.maxIds) continue;
			newIds += 1;
		}
		if (json.length > policy.maxStateChars) continue;
		kept.push({ id, clock, state: stamp(json, policy.identity, policy.mayPoint ?? true) });
	}
	if (kept.length === 0) return null;
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, kept.length);
	for (const k of kept) {
		encoding.writeVarUint(encoder, k.id);
		encoding.writeVarUint(encoder, k.clock);
		encoding.writeVarString(encoder, k.state);
	}
	return encoding.toUint8Array(encoder);
}

/**
 * Keeps only what presence needs — who (`user`: id and name stamped by the server, a `#rrggbb` colour) and where
 * (`cursor`: a canvas point, or a text caret's two relative positions) — so awareness, which no moderation hook
 * reads, cannot carry words from one person to another.
 */
function stamp(json: string, identity: { id: string; name: string }, mayPoint: boolean): string {
	const state: unknown = JSON.parse(json);
	// null means "this client left"; it carries nobody's name.
	if (state === null) return 'null';
	const out: Record<string, unknown> = { user: { id: identity.id, name: identity.name } };
	if (!isRecord(state)) return JSON.stringify(out);
	const color = isRecord(state.user) ? state.user.color : undefined;
	if (typeof color === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color)) (out.user as Record<string, unknown>).color = color;
	if (mayPoint && 'cursor' in state) {
		const cursor = cleanCursor(state.cursor);
		if (cursor !== undefined) out.cursor = cursor;
	}
	return JSON.stringify(out);
}

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isId = (v: unknown): v is { client: number; clock: number } => isRecord(v) && isInt(v.client) && isInt(v.clock);

/**
 * A Yjs relative position as JSON, rebuilt from its known fields only: `Y.relativePositionToJSON` leaves absent
 * fields out, while a `Y.RelativePosition` put in awareness as it is (as y-prosemirror does) has them null.
 */
function cleanPosition(v: unknown): Record<string, unknown> | undefined {
	if (!isRecord(v)) return undefined;
	const out: Record<string, unknown> = {};
	for (const key of ['type', 'item'] as const) {
		const id = v[key];
		if (id === undefined) continue;
		if (id !== null && !isId(id)) return undefined;
		out[key] = id === null ? null : { client: id.client, clock: id.clock };
	}
	if (v.tname !== undefined) {
		if (v.tname !== null && (typeof v.tname !== 'string' || !ROOT_NAMES.has(v.tname))) return undefined;
		out.tname = v.tname;
	}
	if (v.assoc !== undefined) {
		if (!isInt(v.assoc)) return undefined;
		out.assoc = v.assoc;
	}
	return out;
}

/** null, a canvas point `{ x, y }`, or a caret `{ anchor, head }`; anything else is dropped. */
function cleanCursor(v: unknown): unknown {
	if (v === null) return null;
	if (!isRecord(v)) return undefined;
	if (Number.isFinite(v.x) && Number.isFinite(v.y)) return { x: v.x, y: v.y };
	const anchor = cleanPosition(v.anchor);
	const head = cleanPosition(v.head);
	return anchor && head ? { anchor, head } : undefined;
}
