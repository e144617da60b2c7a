import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../config';

/** What drizzle's PGlite driver calls on its client (and on a transaction's). */
interface QueryOptions {
	rowMode?: 'array' | 'object';
	parsers?: Record<number, (value: string, typeId: number) => unknown>;
	[key: string]: unknown;
}
export interface PGliteResults<R = unknown> {
	rows: R[];
	affectedRows?: number;
	fields: { name: string; dataTypeID: number }[];
}
interface Queryable {
	query<R = unknown>(sql: string, params?: unknown[], options?: QueryOptions): Promise<PGliteResults<R>>;
	exec(sql: string, options?: QueryOptions): Promise<PGliteResults[]>;
}
export interface PGliteTransaction extends Queryable {
	readonly closed: boolean;
}

/** The error PGlite raised, rebuilt on this side with its PostgreSQL fields (code, constraint, detail...). */
export class PGliteThreadError extends Error {
	code?: string;
	constructor(data: Record<string, unknown>) {
		super(String(data.message ?? 'database error'));
		Object.assign(this, data);
		this.name = String(data.name ?? 'DatabaseError');
	}
}

/**
 * A PGlite database run in a worker thread (server/db/pglite-worker.mjs), with the part of PGlite's client API
 * drizzle uses: query, exec and transaction. The WebAssembly PostgreSQL then never runs on the server's event
 * loop, so storing a chat message or a document update does not hold up every socket while it runs.
 */
export class PGliteThread implements Queryable {
	#worker: Worker;
	#pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
	#next = 1;
	#dead: Error | null = null;

	#closing = false;

	private constructor(worker: Worker, onDeath?: (err: Error) => void) {
		this.#worker = worker;
		worker.on('message', (m: { id: number; result?: unknown; error?: Record<string, unknown> }) => {
			const p = this.#pending.get(m.id);
			if (!p) return;
			this.#pending.delete(m.id);
			if (m.error) p.reject(new PGliteThreadError(m.error));
			else p.resolve(m.result);
		});
		const die = (err: Error) => {
			if (!this.#dead && !this.#closing) onDeath?.(err);
			this.#dead ??= err;
			for (const p of this.#pending.values()) p.reject(err);
			this.#pending.clear();
		};
		worker.on('error', die);
		worker.on('exit', (code) => die(new Error(`the database thread stopped (exit code ${code})`)));
	}

	/**
	 * Starts the thread and opens (or creates) the database in `dataDir`. `onDeath` hears of a thread that stops
	 * other than through close(): every query fails from then on.
	 */
	static async create({ dataDir, onDeath }: { dataDir: string; onDeath?: (err: Error) => void }): Promise<PGliteThread> {
		const worker = new Worker(workerFile(), { workerData: { dataDir } });
		await new Promise<void>((resolve, reject) => {
			const onMessage = (m: { ready?: boolean; failed?: Record<string, unknown> }) => {
				if (m.ready) resolve();
				else if (m.failed) reject(new PGliteThreadError(m.failed));
				else return;
				worker.off('message', onMessage);
				worker.off('error', reject);
			};
			worker.on('message', onMessage);
			worker.once('error', reject);
		});
		return new PGliteThread(worker, onDeath);
	}

	#call<T>(message: Record<string, unknown>, id = this.#next++): Promise<T> {
		if (this.#dead) return Promise.reject(this.#dead);
		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.#worker.postMessage({ ...message, id });
		});
	}

	async query<R = unknown>(sql: string, params: unknown[] = [], options?: QueryOptions, tx?: number): Promise<PGliteResults<R>> {
		return this.#call({ op: 'query', sql, params, options: portable(options), tx });
	}

	/**
	 * `query` outside a transaction, as a named statement the thread prepares the first time it sees `sql`: for
	 * rawQuery's statements (server/db/raw.ts; a small, fixed set of texts), among them the writes run per
	 * keystroke and chat message, where PGlite's own extended-protocol calls and planning cost more than the
	 * statement itself.
	 */
	async prepared<R = unknown>(sql: string, params: unknown[] = []): Promise<PGliteResults<R>> {
		return this.#call({ op: 'prepared', sql, params });
	}

	async exec(sql: string, options?: QueryOptions, tx?: number): Promise<PGliteResults[]> {
		return this.#call({ op: 'exec', sql, options: portable(options), tx });
	}

	/** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
	async transaction<T>(fn: (tx: PGliteTransaction) => Promise<T>): Promise<T> {
		const id = this.#next++;
		await this.#call({ op: 'begin' }, id);
		let closed = false;
		const tx: PGliteTransaction = {
			query: <R>(sql: string, params?: unknown[], options?: QueryOptions) =>
				closed ? Promise.reject(new Error('Transaction is closed')) : this.query<R>(sql, params, options, id),
			exec: (sql, options) => (closed ? Promise.reject(new Error('Transaction is closed')) : this.exec(sql, options, id)),
			get closed() {
				return closed;
			}
		};
		let result: T;
		try {
			result = await fn(tx);
		} catch (e) {
			closed = true;
			await this.#call({ op: 'end', tx: id, commit: false }).catch(() => {});
			throw e;
		}
		closed = true;
		await this.#call({ op: 'end', tx: id, commit: true });
		return result;
	}

	async close(): Promise<void> {
		this.#closing = true;
		if (!this.#dead) await this.#call({ op: 'close' });
		this.#dead ??= new Error('the database is closed');
		await this.#worker.terminate();
	}
}

/** Beside this module (from source, and in build/ where the build copies it), else in the project's sources (other bundles). */
function workerFile(): string {
	const beside = fileURLToPath(new URL('./pglite-worker.mjs', import.meta.url));
	return existsSync(beside) ? beside : resolve(projectRoot, 'server/db/pglite-worker.mjs');
}

const SENTINEL = '\u0000tessera-parser-probe';

/**
 * Functions cannot cross to the worker. Drizzle only ever passes parsers that hand back the raw text
 * (dates and intervals stay strings for its own mapping), so those travel as a list of type ids.
 */
function portable(options?: QueryOptions): Record<string, unknown> | undefined {
	if (!options) return undefined;
	const { parsers, ...rest } = options;
	if (!parsers) return rest;
	const rawTypes = Object.entries(parsers).map(([oid, parse]) => {
		if (parse(SENTINEL, Number(oid)) !== SENTINEL) throw new Error(`PGliteThread: only parsers that return the raw text can be used (type ${oid})`);
		return Number(oid);
	});
	return { ...rest, rawTypes };
}
