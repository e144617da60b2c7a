import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

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
}

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
		kept.push({ id, clock, state: stamp(json, policy.identity) });
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

function stamp(json: string, identity: { id: string; name: string }): string {
	const state: unknown = JSON.parse(json);
	// null means "this client left"; it carries nobody's name.
	if (state === null || typeof state !== 'object' || Array.isArray(state)) return state === null ? 'null' : JSON.stringify({ user: identity });
	const user = (state as { user?: unknown }).user;
	const rest = user && typeof user === 'object' && !Array.isArray(user) ? user : {};
	return JSON.stringify({ ...state, user: { ...rest, id: identity.id, name: identity.name } });
}
