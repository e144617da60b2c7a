import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './lock';
import { PGliteThread } from './pglite-thread';
import { setWriterClient } from './raw';
import * as schema from './schema';

export { schema };
export type Schema = typeof schema;
/** One type for both drivers: every query is written once, in PostgreSQL's dialect. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
	db: Db;
	kind: DatabaseKind;
	/** Cheap liveness probe for /healthz. */
	ping(): Promise<void>;
	close(): Promise<void>;
}

export interface DatabaseOptions {
	/** postgres:// URL; when absent the embedded PGlite in `dataDir` is used. */
	databaseUrl?: string;
	dataDir: string;
	migrationsDir: string;
	/** Told when the database is lost for good while running (the embedded database's thread stopped). */
	onFatal?: (err: Error) => void;
}

/** Key of the advisory lock taken while migrations run (any fixed number; this one spells "tessera"). */
const MIGRATION_LOCK = 0x7465737365726;

/** Opens the database and applies committed migrations before anything else touches it. */
export async function openDatabase({ databaseUrl, dataDir, migrationsDir, onFatal }: DatabaseOptions): Promise<Database> {
	if (databaseUrl) {
		const client = postgres(databaseUrl, { max: 10, onnotice: () => {} });
		const db = drizzlePostgres(client, { schema });
		// Several processes may start together on one database: one applies the migrations while the others wait
		// on a session lock (held on a connection of its own), then find nothing left to apply.
		const lock = await client.reserve();
		try {
			await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
			await migratePostgres(db, { migrationsFolder: migrationsDir });
		} finally {
			await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
			lock.release();
		}
		// One more connection (opened on first use), for the write every chat message waits for (see writerRawQuery).
		const writer = postgres(databaseUrl, { max: 1, onnotice: () => {} });
		setWriterClient(db as unknown as Db, writer);
		return {
			db: db as unknown as Db,
			kind: 'postgres',
			ping: async () => void (await db.execute(sql`select 1`)),
			close: async () => void (await Promise.all([client.end({ timeout: 5 }), writer.end({ timeout: 5 })]))
		};
	}
	mkdirSync(dataDir, { recursive: true });
	const unlock = await lockDataDir(dataDir);
	let client: PGliteThread;
	try {
		// In a thread of its own: PGlite runs each query synchronously on the thread that owns it.
		client = await PGliteThread.create({ dataDir, onDeath: onFatal });
	} catch (e) {
		unlock();
		throw e;
	}
	const db = drizzlePglite(client as unknown as PGlite, { schema });
	try {
		await migratePglite(db, { migrationsFolder: migrationsDir });
	} catch (e) {
		await client.close().catch(() => {});
		unlock();
		throw e;
	}
	return {
		db: db as unknown as Db,
		kind: 'pglite',
		ping: async () => void (await db.execute(sql`select 1`)),
		close: () => client.close().finally(unlock)
	};
}

/** Postgres unique-violation, as raised by either driver. */
export function isUniqueViolation(e: unknown): boolean {
	const err = e as { code?: string; cause?: { code?: string } } | null;
	return err?.code === '23505' || err?.cause?.code === '23505';
}
