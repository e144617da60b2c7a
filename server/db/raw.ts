import type { Db } from '.';

/** Rows of a query run as written, with the driver's own parsing (no drizzle in between). */
export type RawQuery = <R = Record<string, unknown>>(text: string, params: unknown[]) => Promise<R[]>;

interface PostgresJsClient {
	unsafe(text: string, params: unknown[]): Promise<unknown[]>;
}
interface PGliteLikeClient {
	query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

const cache = new WeakMap<object, RawQuery>();

/**
 * A raw query function over the client behind `db`, for the few statements run for every keystroke or chat
 * message: building a query through drizzle costs the event loop more than the database takes to run it.
 * Everything else goes through drizzle. Write these in PostgreSQL's dialect with $n parameters, cast what the
 * two drivers would parse differently (bigint: `::float8`), and pass bytes as Buffers.
 *
 * A statement whose text changes with the batch size (`values ($1, …), ($6, …)`, `in ($1, $2, …)`) is a new
 * prepared statement for every size: parsed and planned again by the server and kept by the client, per
 * connection. Pass a batch as one array per column instead (`unnest($1::uuid[], …)`, `= any($1::text[])`),
 * so that each of these statements is prepared once; bytes go as hex text (`decode(x, 'hex')`), since the
 * drivers have no common way to send an array of byte strings.
 */
export function rawQuery(db: Db): RawQuery {
	const hit = cache.get(db);
	if (hit) return hit;
	const client = (db as unknown as { $client: PostgresJsClient | PGliteLikeClient }).$client;
	const run: RawQuery =
		'unsafe' in client && typeof client.unsafe === 'function'
			? async <R>(text: string, params: unknown[]) => (await client.unsafe(text, params)) as R[]
			: async <R>(text: string, params: unknown[]) => (await (client as PGliteLikeClient).query(text, params)).rows as R[];
	cache.set(db, run);
	return run;
}
