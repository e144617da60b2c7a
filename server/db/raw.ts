import type { Sql } from 'postgres';
import type { Db } from '.';

/** Rows of a query run as written, with the driver's own parsing (no drizzle in between). */
export type RawQuery = <R = Record<string, unknown>>(text: string, params: unknown[]) => Promise<R[]>;

interface PostgresJsClient {
	unsafe(text: string, params: unknown[], options?: { prepare?: boolean }): Promise<unknown[]>;
}
interface PGliteLikeClient {
	query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
	/** PGliteThread: the same as a named prepared statement. */
	prepared?(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

const cache = new WeakMap<object, RawQuery>();
const writerClients = new WeakMap<object, RawQuery>();

/**
 * A raw query function over the client behind `db`, for the few statements run for every keystroke or chat
 * message: building a query through drizzle costs the event loop more than the database takes to run it.
 * Everything else goes through drizzle. Write these in PostgreSQL's dialect with $n parameters, cast what the
 * two drivers would parse differently (bigint: `::float8`), and pass bytes as Buffers.
 *
 * On PostgreSQL these are named prepared statements (postgres.js `prepare: true`; its default for `unsafe`, and
 * drizzle's, is an unnamed statement, parsed again each time and described before it runs: two round trips),
 * kept by the client per connection. So a statement's text must not change with the batch size
 * (`values ($1, …), ($6, …)`, `in ($1, $2, …)`: a new statement for every size). Pass a batch as one array per
 * column instead (`unnest($1::uuid[], …)`, `= any($1::text[])`), so that each statement is prepared once;
 * bytes go as hex text (`decode(x, 'hex')`), since the drivers have no common way to send an array of byte
 * strings. The embedded database's thread prepares them the same way (PGliteThread.prepared).
 */
export function rawQuery(db: Db): RawQuery {
	const hit = cache.get(db);
	if (hit) return hit;
	const run = over(clientOf(db));
	cache.set(db, run);
	return run;
}

/**
 * Gives `db` a client of its own connection for `writerRawQuery` (a postgres.js client with `max: 1`).
 */
export function setWriterClient(db: Db, client: Sql): void {
	writerClients.set(db, over(client as unknown as PostgresJsClient));
}

/**
 * A raw query function for the one write every chat message waits for, on a connection of its own, so that a send
 * never waits behind the reads, translations and document updates on the pool. The embedded database runs one
 * statement at a time anyway: there it is `rawQuery(db)`, as it is when `db` was given no writer client.
 */
export function writerRawQuery(db: Db): RawQuery {
	return writerClients.get(db) ?? rawQuery(db);
}

function clientOf(db: Db): PostgresJsClient | PGliteLikeClient {
	return (db as unknown as { $client: PostgresJsClient | PGliteLikeClient }).$client;
}

function isPostgresJs(client: PostgresJsClient | PGliteLikeClient): client is PostgresJsClient {
	return 'unsafe' in client && typeof client.unsafe === 'function';
}

function over(client: PostgresJsClient | PGliteLikeClient): RawQuery {
	return isPostgresJs(client)
		? async <R>(text: string, params: unknown[]) => (await client.unsafe(text, params, { prepare: true })) as R[]
		: client.prepared
			? async <R>(text: string, params: unknown[]) => (await client.prepared!(text, params)).rows as R[]
			: async <R>(text: string, params: unknown[]) => (await client.query(text, params)).rows as R[];
}
