import * as Y from 'yjs';

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Whether a decoded update refers to anything the document (state vector `have`) and the update itself do
 * not contain: a gap in a client's clock, an item whose neighbours or parent are unknown, or a deletion of
 * unknown content. Yjs would park such an update as "pending" inside the document for ever; an honest
 * client only sends one before its sync step 2 has caught the server up.
 */
export function hasMissingDependencies({ structs, ds }: DecodedUpdate, doc: Y.Doc): boolean {
	const reach = new Map<number, number>();
	const reached = (client: number) => reach.get(client) ?? clockOf(doc, client);
	for (const struct of structs) {
		if (struct instanceof Y.Skip) return true;
		const { client, clock } = struct.id;
		const known = reached(client);
		if (clock > known) return true;
		reach.set(client, Math.max(known, clock + struct.length));
	}
	const present = (id: Y.ID | null) => id === null || reached(id.client) > id.clock;
	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		if (!present(struct.origin) || !present(struct.rightOrigin)) return true;
		const parent = struct.parent as unknown;
		if (parent instanceof Y.ID && !present(parent)) return true;
	}
	for (const [client, ranges] of ds.clients) {
		const known = reached(client);
		for (const range of ranges) if (range.clock + range.len > known) return true;
	}
	return false;
}

/** Whether an update inserts anything the document does not have yet (deletions alone do not count). */
export function addsContent({ structs }: DecodedUpdate, doc: Y.Doc): boolean {
	return structs.some((s) => !(s instanceof Y.Skip) && s.id.clock + s.length > clockOf(doc, s.id.client));
}

/** The next clock the document expects from a client (0 for a client it has never seen). */
function clockOf(doc: Y.Doc, client: number): number {
	const structs = doc.store.clients.get(client);
	const last = structs?.[structs.length - 1];
	return last ? last.id.clock + last.length : 0;
}
