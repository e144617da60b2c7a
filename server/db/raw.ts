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

/** `($1, $2, $3), ($4, $5, $6), …` for `rows` rows of `columns` parameters each. */
export function valuesList(rows: number, columns: number): string {
	const out: string[] = [];
	for (let r = 0; r < rows; r++) {
		const cells: string[] = [];
		for (let c = 1; c <= columns; c++) cells.push(`$${r * columns + c}`);
		out.push(`(${cells.join(', ')})`);
	}
	return out.join(', ');
}
