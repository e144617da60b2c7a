import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import postgres from 'postgres';
import { describe, it } from 'vitest';
import { projectRoot, type Config } from '../../server/config';
import type { Db } from '../../server/db';
import { startServer, type RunningServer } from '../../server/http/server';

export type Driver = 'pglite' | 'postgres';

export interface TestServer extends RunningServer {
	driver: Driver;
	/** The server's own database handle, for setting up states the API cannot reach (expired invites, idle sessions). */
	db: Db;
	/**
	 * Stops this server (as a restart would: sockets closed, everything received stored) and starts a new one on the
	 * same database and config, keeping the data. The returned server owns the database from then on.
	 */
	restart?(): Promise<TestServer>;
}

/** Where the integration tests find PostgreSQL: `DATABASE_URL`, or the local trust-auth server. */
export const postgresAdminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Login limits high enough that no test trips them by accident; rate-limits.test.ts sets its own. */
const generousLimits = { loginMaxPerIp: 100_000, loginMaxPerAccount: 100_000, signUpsPerIpPerHour: 100_000 } satisfies Partial<Config>;

/** `TESSERA_BUILD_DIR` (absolute, or relative to the project root) lets tests run against a frozen copy of the build. */
function buildDir(): string {
	const dir = process.env.TESSERA_BUILD_DIR;
	if (!dir) return resolve(projectRoot, 'build');
	return isAbsolute(dir) ? dir : resolve(projectRoot, dir);
}

function adminClient() {
	return postgres(postgresAdminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
}

/**
 * Starts a real, quiet Tessera server on 127.0.0.1, port 0, against a database of its own: a fresh PGlite
 * directory, or a fresh PostgreSQL database (`tessera_t_<random>`). `close()` stops the server and removes the
 * database, so parallel runs never share state.
 */
export async function startTestServer({ db: driver, config = {} }: { db: Driver; config?: Partial<Config> }): Promise<TestServer> {
	const base: Partial<Config> = {
		port: 0,
		host: '127.0.0.1',
		// Pin what the environment could otherwise change under the tests' feet.
		origin: undefined,
		allowedOrigins: [],
		trustProxy: false,
		// One process unless a test says otherwise (cluster.ts): the runner's own REDIS_URL (CI may set it for the
		// scale-out tests) must not turn every test server into one of several.
		redisUrl: undefined,
		logLevel: (process.env.TEST_LOG_LEVEL as Config['logLevel'] | undefined) ?? 'silent',
		buildDir: buildDir(),
		...generousLimits
	};

	let cleanup: () => Promise<void>;
	let dbConfig: Partial<Config>;
	if (driver === 'pglite') {
		const dataDir = await mkdtemp(join(tmpdir(), 'tessera-test-'));
		dbConfig = { dataDir, databaseUrl: undefined };
		cleanup = () => rm(dataDir, { recursive: true, force: true });
	} else {
		const name = `tessera_t_${randomBytes(8).toString('hex')}`;
		const admin = adminClient();
		try {
			await admin.unsafe(`create database "${name}"`);
		} finally {
			await admin.end();
		}
		const url = new URL(postgresAdminUrl);
		url.pathname = `/${name}`;
		dbConfig = { databaseUrl: url.href };
		cleanup = async () => {
			const sql = adminClient();
			try {
				await sql.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await sql.end();
			}
		};
	}

	const serve = async (): Promise<TestServer> => {
		let server: RunningServer;
		try {
			server = await startServer({ config: { ...base, ...dbConfig, ...config } });
		} catch (e) {
			await cleanup();
			throw e;
		}
		return {
			...server,
			driver,
			db: server.app.database.db,
			async close() {
				try {
					await server.close();
				} finally {
					await cleanup();
				}
			},
			async restart() {
				await server.close();
				return serve();
			}
		};
	};
	return serve();
}

async function postgresProblem(): Promise<string | null> {
	const sql = postgres(postgresAdminUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
	try {
		await sql`select 1`;
		return null;
	} catch (e) {
		return e instanceof Error ? e.message : String(e);
	} finally {
		await sql.end({ timeout: 1 }).catch(() => {});
	}
}

/**
 * The databases to run every behaviour against: always PGlite, and PostgreSQL when it answers.
 * When it does not, the PostgreSQL variant is registered as skipped with the reason in its name — or, with
 * CI=true, as a failing test, since CI must prove both.
 */
export async function availableDrivers(): Promise<Driver[]> {
	const problem = await postgresProblem();
	if (problem === null) return ['pglite', 'postgres'];
	const where = new URL(postgresAdminUrl);
	where.password = '';
	const reason = `PostgreSQL not reachable at ${where.href} (${problem})`;
	if (process.env.CI === 'true') {
		describe('postgres', () => {
			it(`PostgreSQL is reachable, as CI requires — ${reason}`, () => {
				throw new Error(`${reason}. Set DATABASE_URL to a PostgreSQL server the tests may create databases on.`);
			});
		});
	} else {
		describe.skip(`postgres — skipped: ${reason}; set DATABASE_URL to run it`, () => {
			it('every behaviour in this file', () => {});
		});
	}
	return ['pglite'];
}
