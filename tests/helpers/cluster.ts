import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import type { Config } from '../../server/config';
import type { TestServer } from './server';
import { createStore, startOnStore, spawnServer, type ChildServer, type Store } from './yjs-store';

// Several Tessera processes sharing one Redis and one PostgreSQL database, each test run on its own key
// prefix and its own database, so parallel runs never meet.

/** Where the scale-out tests find Redis: `REDIS_URL`, or the local server. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other run uses. */
export function testPrefix(): string {
	return `tessera-t-${randomBytes(6).toString('hex')}:`;
}

export async function redisProblem(): Promise<string | null> {
	const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
	client.on('error', () => {});
	try {
		await client.connect();
		await client.ping();
		return null;
	} catch (e) {
		return e instanceof Error ? e.message : String(e);
	} finally {
		client.disconnect();
	}
}

/**
 * True when Redis answers. When it does not, the file's tests are registered as skipped with the reason — or,
 * with CI=true, as a failing test, since CI must prove scale-out.
 */
export async function redisAvailable(): Promise<boolean> {
	const problem = await redisProblem();
	if (problem === null) return true;
	const reason = `Redis not reachable at ${redisUrl} (${problem})`;
	if (process.env.CI === 'true') {
		describe('redis', () => {
			it(`Redis is reachable, as CI requires — ${reason}`, () => {
				throw new Error(`${reason}. Set REDIS_URL to a Redis server the tests may use.`);
			});
		});
	} else {
		describe.skip(`redis — skipped: ${reason}; set REDIS_URL to run it`, () => {
			it('every behaviour in this file', () => {});
		});
	}
	return false;
}

/** Removes every key under `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
	const client = new Redis(redisUrl);
	try {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
			cursor = next;
			if (keys.length > 0) await client.del(...keys);
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}

export interface Cluster {
	store: Store;
	prefix: string;
	/** In-process servers, one per node. */
	nodes: TestServer[];
	/** Starts one more node in this process. */
	add(config?: Partial<Config>): Promise<TestServer>;
	/** Starts a node as a child process (one that can be killed with SIGKILL). */
	spawn(env?: Record<string, string>): Promise<ChildServer>;
	close(): Promise<void>;
}

/**
 * `nodes` Tessera servers on one fresh PostgreSQL database and one Redis key prefix. `close()` stops them
 * all (children included), drops the database and deletes the keys.
 */
export async function startCluster({ nodes = 2, config = {} }: { nodes?: number; config?: Partial<Config> } = {}): Promise<Cluster> {
	const store = await createStore('postgres');
	const prefix = testPrefix();
	const scaleConfig: Partial<Config> = { redisUrl, redisPrefix: prefix };
	const servers: TestServer[] = [];
	const children: ChildServer[] = [];
	const cluster: Cluster = {
		store,
		prefix,
		nodes: servers,
		async add(extra = {}) {
			const server = await startOnStore(store, { ...scaleConfig, ...config, ...extra });
			servers.push(server);
			return server;
		},
		async spawn(env = {}) {
			const child = await spawnServer(store, { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, ...env });
			children.push(child);
			return child;
		},
		async close() {
			for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
			await Promise.all(children.map((c) => c.exited));
			await Promise.allSettled(servers.map((s) => s.close()));
			await store.drop();
			await dropPrefix(prefix);
		}
	};
	try {
		for (let i = 0; i < nodes; i++) await cluster.add();
	} catch (e) {
		await cluster.close();
		throw e;
	}
	return cluster;
}

/**
 * Cuts one process's Redis subscriber connection (only that one), as a network blip would: what is published
 * meanwhile never reaches it, and it subscribes again by itself.
 */
export async function cutSubscriber(nodeId: string): Promise<void> {
	const client = new Redis(redisUrl);
	try {
		const list = (await client.client('LIST')) as string;
		const line = list.split('\n').find((l) => l.includes(`name=tessera:${nodeId}:bus `));
		if (!line) throw new Error(`no subscriber connection of node ${nodeId} in CLIENT LIST`);
		await client.client('KILL', 'ID', /\bid=(\d+)/.exec(line)![1]!);
	} finally {
		client.disconnect();
	}
}

/**
 * Holds every write to the document update log (reads go on) in a transaction of `sql`'s, until `release()`:
 * whatever a server tries to store meanwhile stays in its memory only.
 */
export async function holdUpdateLog(sql: { begin<T>(f: (tx: any) => Promise<T>): Promise<unknown> }): Promise<{ release(): Promise<void> }> {
	let release!: () => void;
	const locked = new Promise<void>((r) => (release = r));
	let lockTaken!: () => void;
	const taken = new Promise<void>((r) => (lockTaken = r));
	const holding = sql.begin(async (tx: (s: TemplateStringsArray) => Promise<unknown>) => {
		await tx`lock table doc_updates in exclusive mode`;
		lockTaken();
		await locked;
	});
	await Promise.race([taken, holding]);
	return {
		async release() {
			release();
			await holding;
		}
	};
}
