import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import type { Logger } from '../logger';
import { translationKey } from './cache-key';

export interface TranslationRow {
	key: string;
	provider: string;
	source: string;
	target: string;
	text: string;
}

export interface TranslationStore {
	/** Stored translations among `keys`. Lookups made in the same turn of the event loop share one query. Never rejects: a failed read is a miss. */
	lookup(keys: readonly string[]): Promise<Map<string, string>>;
	/** Queues rows; they are written shortly after, many per INSERT, and kept (and retried) until written. */
	save(rows: readonly TranslationRow[]): void;
	/** Writes everything queued so far. */
	flush(): Promise<void>;
	/** Removes every stored translation of these texts (into any language, by any provider); returns their keys. */
	forget(texts: readonly string[]): Promise<string[]>;
	/** Writes what is queued and stops. */
	close(): Promise<void>;
}

export interface StoreOptions {
	/** Rows per INSERT and keys per SELECT. */
	chunk: number;
	/** How long a saved row may wait for companions before it is written, in ms. */
	flushDelayMs: number;
	/** How long to wait before writing again after the database refused, in ms. */
	retryDelayMs: number;
	/** Rows kept while the database refuses; beyond this the oldest are dropped (they are only a cache). */
	maxPending: number;
}

const defaults: StoreOptions = { chunk: 500, flushDelayMs: 20, retryDelayMs: 1000, maxPending: 50_000 };

/**
 * The `translations` table as a second-level cache behind the in-memory LRU: batched reads, write-behind
 * inserts with `on conflict do nothing` (two servers translating the same text both keep the first).
 */
export function createTranslationStore({ db, logger, options = {} }: { db: Db; logger: Logger; options?: Partial<StoreOptions> }): TranslationStore {
	const o = { ...defaults, ...options };
	// Both statements run for nearly every chat message: written by hand (see rawQuery).
	const raw = rawQuery(db);
	const pending = new Map<string, TranslationRow>();
	let batch: { keys: Set<string>; result: Promise<Map<string, string>> } | undefined;
	let timer: NodeJS.Timeout | undefined;
	let writing: Promise<void> = Promise.resolve();
	let failing = false;
	let closed = false;

	async function read(keys: string[]): Promise<Map<string, string>> {
		const found = new Map<string, string>();
		for (let i = 0; i < keys.length; i += o.chunk) {
			const chunk = keys.slice(i, i + o.chunk);
			const rows = await raw<{ key: string; text: string }>('select key, text from translations where key = any($1::text[])', [chunk]);
			for (const row of rows) found.set(row.key, row.text);
		}
		return found;
	}

	function schedule(delayMs: number) {
		if (timer || closed) return;
		timer = setTimeout(() => {
			timer = undefined;
			void flush();
		}, delayMs);
		timer.unref();
	}

	async function writeAll(): Promise<void> {
		while (pending.size > 0) {
			const rows = [...pending.values()].slice(0, o.chunk);
			for (const row of rows) pending.delete(row.key);
			try {
				await raw(
					'insert into translations (key, provider, source, target, text) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) on conflict do nothing',
					[rows.map((r) => r.key), rows.map((r) => r.provider), rows.map((r) => r.source), rows.map((r) => r.target), rows.map((r) => r.text)]
				);
				if (failing) logger.info({ rows: rows.length }, 'translations are being stored again');
				failing = false;
			} catch (err) {
				// Put them back (unless a newer translation of the same key arrived meanwhile) and try again later.
				for (const row of rows) if (!pending.has(row.key)) pending.set(row.key, row);
				if (!failing) logger.warn({ err, rows: pending.size }, 'could not store translations; keeping them in memory and retrying');
				failing = true;
				schedule(o.retryDelayMs);
				return;
			}
		}
	}

	function flush(): Promise<void> {
		writing = writing.then(writeAll);
		return writing;
	}

	return {
		lookup(keys) {
			const wanted = keys.filter((k) => !pending.has(k));
			const early = new Map(keys.filter((k) => pending.has(k)).map((k) => [k, pending.get(k)!.text]));
			if (wanted.length === 0) return Promise.resolve(early);
			if (!batch) {
				const next: { keys: Set<string>; result: Promise<Map<string, string>> } = { keys: new Set(), result: Promise.resolve(new Map()) };
				next.result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
					if (batch === next) batch = undefined;
					return read([...next.keys]).catch((err: unknown) => {
						logger.warn({ err }, 'could not read stored translations; asking the translator instead');
						return new Map<string, string>();
					});
				});
				batch = next;
			}
			for (const key of wanted) batch.keys.add(key);
			return batch.result.then((found) => {
				for (const key of wanted) {
					const text = found.get(key);
					if (text !== undefined) early.set(key, text);
				}
				return early;
			});
		},

		save(rows) {
			if (closed) return;
			for (const row of rows) pending.set(row.key, row);
			while (pending.size > o.maxPending) {
				pending.delete(pending.keys().next().value as string);
				if (!failing) logger.warn('too many translations waiting to be stored; dropping the oldest');
			}
			if (pending.size >= o.chunk) void flush();
			else schedule(o.flushDelayMs);
		},

		flush,

		async forget(texts) {
			// Keys hash provider, languages and text together: find the pairs in use, then the keys of this text.
			const pairs = await raw<{ provider: string; source: string; target: string }>('select distinct provider, source, target from translations', []);
			for (const row of pending.values()) pairs.push(row);
			const keys = [...new Set(texts.flatMap((text) => pairs.map((p) => translationKey({ provider: p.provider, source: p.source, target: p.target, text }))))];
			for (const key of keys) pending.delete(key);
			for (let i = 0; i < keys.length; i += o.chunk) {
				const chunk = keys.slice(i, i + o.chunk);
				await raw('delete from translations where key = any($1::text[])', [chunk]);
			}
			return keys;
		},

		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			timer = undefined;
			await flush();
			if (pending.size > 0) logger.warn({ rows: pending.size }, 'translations not stored at shutdown; they will be translated again');
		}
	};
}
