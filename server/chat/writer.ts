import type { Logger } from '../logger';
import type { ChatStore, MessageRow, NewMessage } from './store';

export interface Stored {
	row: MessageRow;
	/** false when this (space, author, client id) was stored before: a retried send. */
	created: boolean;
}

interface Pending<M> {
	row: NewMessage;
	/** Whatever the caller needs beside the row once it is stored (not written). */
	meta: M;
	/**
	 * Failed writes of this row so far. A write can fail after its commit (the connection drops before the
	 * answer): the retry then finds the row already there, and it must still count as created, or a message its
	 * sender was told is stored would never be delivered.
	 */
	attempts: number;
	resolve(result: Stored): void;
	reject(err: unknown): void;
}

export interface MessageWriterOptions<M> {
	store: ChatStore;
	logger: Logger;
	/** Called once per committed batch, in commit order (so in seq order), after every sender in it has been answered. */
	onStored?: (results: (Stored & { meta: M })[]) => void;
	maxRows?: number;
}

/**
 * Group commit for chat messages: the first send is written at once, and whatever arrives while that INSERT
 * is in flight goes into the next one, so a busy server costs one round trip per batch, not per message. A
 * send resolves only after its row is committed. When the database fails, the batch stays in memory and is
 * retried with backoff; a row the database refuses for good (its space was deleted meanwhile) is isolated
 * and refused alone.
 */
export function createMessageWriter<M = undefined>({ store, logger, onStored, maxRows = 500 }: MessageWriterOptions<M>) {
	const log = logger.child({ ns: 'chat.writer' });
	let queue: Pending<M>[] = [];
	let running: Promise<void> | null = null;
	let failures = 0;
	let stopped = false;
	/** After a batch the database refused for good, rows are written one by one to find the culprit. */
	let single = 0;
	const stats = { batches: 0, rows: 0, refused: 0 };

	async function run(): Promise<void> {
		while (queue.length > 0) {
			const batch = queue.splice(0, single > 0 ? 1 : maxRows);
			if (single > 0) single -= 1;
			let results: Stored[];
			try {
				results = await store.insertMany(batch.map((p) => p.row));
				failures = 0;
			} catch (err) {
				if (isPermanent(err)) {
					if (batch.length > 1) {
						queue = [...batch, ...queue];
						single = batch.length;
						continue;
					}
					stats.refused += 1;
					log.warn({ err, spaceId: batch[0]!.row.spaceId }, 'the database refused a chat message for good');
					batch[0]!.reject(err);
					continue;
				}
				failures += 1;
				for (const p of batch) p.attempts += 1;
				queue = [...batch, ...queue];
				if (stopped && failures > 3) {
					log.error({ err, messages: queue.length }, 'storing chat messages failed while stopping; their senders get an error and may retry');
					const lost = queue;
					queue = [];
					for (const p of lost) p.reject(err);
					return;
				}
				const delay = Math.min(5000, 50 * 2 ** Math.min(failures, 7));
				log.error({ err, messages: batch.length, queued: queue.length, retryInMs: delay }, 'storing chat messages failed; kept in memory, retrying');
				await new Promise((r) => setTimeout(r, delay));
				continue;
			}
			stats.batches += 1;
			stats.rows += batch.length;
			// Rows of a retried batch that are already there were committed by the attempt that seemed to fail, unless
			// an earlier row of this very batch (the same send, retried by its client) created them.
			const createdHere = new Set<string>();
			results = results.map((r, i) => {
				const created = r.created || (batch[i]!.attempts > 0 && !createdHere.has(r.row.id));
				if (created) createdHere.add(r.row.id);
				return created === r.created ? r : { ...r, created };
			});
			batch.forEach((p, i) => p.resolve(results[i]!));
			try {
				onStored?.(results.map((r, i) => ({ ...r, meta: batch[i]!.meta })));
			} catch (err) {
				log.error({ err }, 'after-store step failed');
			}
		}
	}

	function kick(): void {
		if (running) return;
		// One turn of the event loop lets sends that arrived together share the first INSERT.
		running = new Promise<void>((resolve) => setImmediate(resolve))
			.then(run)
			.finally(() => {
				running = null;
				if (queue.length > 0) kick();
			});
	}

	return {
		/** Resolves once the message is committed (or with the row stored by an earlier send with the same client id). */
		write(row: NewMessage, meta: M): Promise<Stored> {
			return new Promise<Stored>((resolve, reject) => {
				queue.push({ row, meta, attempts: 0, resolve, reject });
				kick();
			});
		},
		get pending(): number {
			return queue.length;
		},
		stats,
		/** Resolves when everything queued so far has been written (or refused). */
		async drain(): Promise<void> {
			while (running || queue.length > 0) {
				kick();
				await running;
			}
		},
		/** From now on, a database that keeps failing makes the writer give up instead of retrying forever. */
		stop(): void {
			stopped = true;
		}
	};
}

/** Integrity (23xxx) and data (22xxx) errors will not go away on a retry; connection and server errors may. */
export function isPermanent(err: unknown): boolean {
	return /^2[23][0-9A-Z]{3}$/.test(sqlState(err));
}

export function sqlState(err: unknown): string {
	const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
	return typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : '';
}
