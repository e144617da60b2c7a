import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { asc, eq } from 'drizzle-orm';
import { build as esbuild } from 'esbuild';
import postgres from 'postgres';
import * as Y from 'yjs';
import { projectRoot, type Config } from '../../server/config';
import { openDatabase, type Database, type Db } from '../../server/db';
import { docSnapshots, docUpdates } from '../../server/db/schema';
import { startServer } from '../../server/http/server';
import { postgresAdminUrl, type Driver, type TestServer } from './server';

// Databases that outlive a server, servers restarted on them (in this process or as a child process that
// can be killed), and the document as the database holds it.

/**
 * The document exactly as the database holds it: the snapshot plus the update log. The log is read first,
 * so an update compacted in between is found in the snapshot instead of being missed.
 */
export async function databaseDoc(db: Db, docId: string): Promise<Y.Doc> {
	const rows = await db.select({ data: docUpdates.data }).from(docUpdates).where(eq(docUpdates.documentId, docId)).orderBy(asc(docUpdates.id));
	const [snapshot] = await db.select({ state: docSnapshots.state }).from(docSnapshots).where(eq(docSnapshots.documentId, docId));
	const doc = new Y.Doc();
	if (snapshot) Y.applyUpdate(doc, snapshot.state);
	for (const row of rows) Y.applyUpdate(doc, row.data);
	return doc;
}

const buildDir = () => {
	const dir = process.env.TESSERA_BUILD_DIR;
	return !dir ? resolve(projectRoot, 'build') : isAbsolute(dir) ? dir : resolve(projectRoot, dir);
};

/** A database that outlives the servers started on it (a PGlite directory or a PostgreSQL database). */
export interface Store {
	driver: Driver;
	config: Partial<Config>;
	/** The same, as environment variables for a child process. */
	env: Record<string, string>;
	drop(): Promise<void>;
}

export async function createStore(driver: Driver): Promise<Store> {
	if (driver === 'pglite') {
		const dataDir = await mkdtemp(join(tmpdir(), 'tessera-docs-'));
		return { driver, config: { dataDir, databaseUrl: undefined }, env: { DATA_DIR: dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
	}
	const name = `tessera_t_${randomBytes(8).toString('hex')}`;
	const admin = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`).finally(() => admin.end());
	const url = new URL(postgresAdminUrl);
	url.pathname = `/${name}`;
	return {
		driver,
		config: { databaseUrl: url.href },
		env: { DATABASE_URL: url.href },
		async drop() {
			const sql = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
			await sql.unsafe(`drop database if exists "${name}" with (force)`).finally(() => sql.end());
		}
	};
}

/** Opens `store` directly, with no server running on it (e.g. to read what a killed server left behind). */
export function openStore(store: Store): Promise<Database> {
	return openDatabase({ databaseUrl: store.config.databaseUrl, dataDir: store.config.dataDir ?? '', migrationsDir: resolve(projectRoot, 'server/db/migrations') });
}

/** A quiet in-process server on `store`; its `close()` stops the server and keeps the data. */
export async function startOnStore(store: Store, config: Partial<Config> = {}): Promise<TestServer> {
	const server = await startServer({
		config: {
			port: 0,
			host: '127.0.0.1',
			origin: undefined,
			allowedOrigins: [],
			trustProxy: false,
			redisUrl: undefined,
			logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent',
			buildDir: buildDir(),
			loginMaxPerIp: 100_000,
			loginMaxPerAccount: 100_000,
			signUpsPerIpPerHour: 100_000,
			...store.config,
			...config
		}
	});
	return { ...server, driver: store.driver, db: server.app.database.db };
}

export interface ChildServer {
	url: string;
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Everything the process wrote, for failure messages. */
	output: string[];
}

/**
 * The server entry, bundled from source like `build/server.js` but with the build directory passed in: the
 * bundled production entry finds its handler beside the project root, which another session may be
 * rebuilding, while tests run against a frozen copy (TESSERA_BUILD_DIR).
 */
async function childEntry(): Promise<string> {
	const outfile = resolve(projectRoot, '.test-build', `docs-child-${process.pid}.mjs`);
	await esbuild({
		stdin: {
			contents: `import { startServer } from './server/http/server';
				const server = await startServer({ config: { buildDir: process.env.TESSERA_CHILD_BUILD_DIR } });
				process.on('SIGTERM', () => server.close().then(() => process.exit(0)));`,
			resolveDir: projectRoot,
			loader: 'ts'
		},
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		logLevel: 'warning'
	});
	return outfile;
}

/**
 * Runs the server as its own process on `store`, on a port it picks unless `env.PORT` says otherwise;
 * `nodeArgs` go to node before the entry (benchmarks: `--cpu-prof`).
 */
export async function spawnServer(store: Store, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ChildServer> {
	const entry = await childEntry();
	// The store says which database the child uses, and `env` whether it is one of several: the runner's own
	// DATABASE_URL and REDIS_URL must not leak in (a PGlite child would quietly use the runner's PostgreSQL).
	const { DATABASE_URL: _database, REDIS_URL: _redis, ...inherited } = process.env;
	const child = spawn(process.execPath, [...nodeArgs, entry], {
		cwd: projectRoot,
		env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', LOGIN_MAX_PER_IP: '100000', TESSERA_CHILD_BUILD_DIR: buildDir(), ...store.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const output: string[] = [];
	child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
	const url = await new Promise<string>((res, rej) => {
		const timer = setTimeout(() => rej(new Error(`server did not listen within 30 s:\n${output.join('')}`)), 30_000);
		createInterface({ input: child.stdout! }).on('line', (line) => {
			output.push(line);
			try {
				const entry = JSON.parse(line) as { msg?: string; url?: string };
				if (entry.msg === 'listening' && entry.url) (clearTimeout(timer), res(entry.url));
			} catch {
				/* not a log line */
			}
		});
		void exited.then((e) => (clearTimeout(timer), rej(new Error(`server exited (${e.code ?? e.signal}) before listening:\n${output.join('')}`))));
	});
	await rm(entry, { force: true }); // loaded by now
	return { url, child, exited, output };
}
