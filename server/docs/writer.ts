import type { Logger } from '../logger';
import type { DocStore, UpdateRow } from './store';

/** Whose message an entry answers, so the relay can acknowledge it once stored. */
export interface AckRef<C = unknown> {
	conn: C;
	seq: number;
}

/** A queued write: an update to store, or a marker that completes once everything queued before it is stored. */
export type WriteEntry<C = unknown> =
	| (UpdateRow & { marker?: false; ack?: AckRef<C>; published?: number })
	| { marker: true; documentId: string; ack?: AckRef<C>; after?: () => void };

export interface WrittenBatch<C = unknown> {
	entries: WriteEntry<C>[];
	/** Highest stored log id per document in this batch. */
	lastIds: Map<string, number>;
}

export interface WriterOptions<C> {
	store: DocStore;
	logger: Logger;
	/** Called after each committed batch, in order, before the next one starts. */
	onWritten: (batch: WrittenBatch<C>) => Promise<void> | void;
	/** Called for an update the database refuses for good (an integrity or data error); it is not stored. */
	onRefused?: (entry: WriteEntry<C>) => void;
	maxRows?: number;
	maxBytes?: number;
	/**
	 * How long the first update waits for others to join its write, ms (0: the next turn of the event loop). A
	 * write then starts after the fan-out it follows has gone out, and a burst over many documents shares one INSERT.
	 */
	lingerMs?: number;
}

/**
 * Group commit: the first update is written after a short linger (`lingerMs`), and whatever arrives meanwhile or
 * while a write is in flight goes into the next one, so a busy document costs one INSERT per round trip, not one
 * per keystroke. Entries are
 * written strictly in the order queued. When the database fails, the batch stays in memory and is retried
 * with backoff; nothing is acknowledged until it is stored.
 */
export function createWriter<C>({ store, logger, onWritten, onRefused, maxRows = 500, maxBytes = 8 * 1024 * 1024, lingerMs = 0 }: WriterOptions<C>) {
	const log = logger.child({ ns: 'docs.writer' });
	let queue: WriteEntry<C>[] = [];
	let running: Promise<void> | null = null;
	let failures = 0;
	let stopped = false;
	/** After a batch the database refused for good, its entries are written one by one to find the culprit. */
	let single = 0;
	const stats = { batches: 0, rows: 0, refused: 0 };

	function takeBatch(): WriteEntry<C>[] {
		if (single > 0) {
			single -= 1;
			return queue.splice(0, 1);
		}
		let rows = 0;
		let bytes = 0;
		let n = 0;
		for (; n < queue.length; n++) {
			const e = queue[n]!;
			if (e.marker) continue;
			if (n > 0 && (rows + 1 > maxRows || bytes + e.data.byteLength > maxBytes)) break;
			rows += 1;
			bytes += e.data.byteLength;
		}
		const batch = queue.slice(0, n);
		queue = queue.slice(n);
		return batch;
	}

	async function run(): Promise<void> {
		while (queue.length > 0) {
			const batch = takeBatch();
			const rows = batch.filter((e) => !e.marker);
			let lastIds: Map<string, number>;
			try {
				lastIds = await store.append(rows);
				failures = 0;
			} catch (err) {
				if (isPermanent(err)) {
					if (batch.length > 1) {
						queue = [...batch, ...queue];
						single = batch.length;
						continue;
					}
					// One row the database will never take: say so loudly, and let the relay tell its sender.
					stats.refused += 1;
					log.error({ err, documentId: rows[0]?.documentId }, 'the database refused a document update for good; it is not stored');
					for (const e of batch) onRefused?.(e);
					continue;
				}
				failures += 1;
				queue = [...batch, ...queue];
				const delay = Math.min(5000, 50 * 2 ** Math.min(failures, 7));
				log.error({ err, rows: rows.length, queued: queue.length, retryInMs: delay }, 'storing document updates failed; kept in memory, retrying');
				if (stopped && failures > 3) return;
				await new Promise((r) => setTimeout(r, delay));
				continue;
			}
			stats.batches += 1;
			stats.rows += rows.length;
			try {
				await onWritten({ entries: batch, lastIds });
			} catch (err) {
				log.error({ err }, 'after-write step failed');
			}
			for (const e of batch) if (e.marker) e.after?.();
		}
	}

	function kick(): void {
		if (running) return;
		// Only an update waits for company; markers alone (a load's barrier, an ack for what needs no storage) do not.
		const linger = lingerMs > 0 && queue.some((e) => !e.marker);
		running = new Promise<void>((resolve) => (linger ? setTimeout(resolve, lingerMs) : setImmediate(resolve)))
			.then(run)
			.finally(() => {
				running = null;
				if (queue.length > 0 && !stopped) kick();
			});
	}

	return {
		enqueue(entry: WriteEntry<C>): void {
			queue.push(entry);
			kick();
		},
		get pending(): number {
			return queue.filter((e) => !e.marker).length;
		},
		stats,
		/** Resolves when everything queued so far has been written (or the writer gave up after stop()). */
		async drain(): Promise<void> {
			while (running || (queue.length > 0 && !stopped)) {
				kick();
				await running;
			}
		},
		stop(): void {
			stopped = true;
		}
	};
}

export type Writer<C> = ReturnType<typeof createWriter<C>>;

/** Integrity (23xxx) and data (22xxx) errors will not go away on a retry; connection and server errors may. */
function isPermanent(err: unknown): boolean {
	const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
	const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : '';
	return /^2[23][0-9A-Z]{3}$/.test(code);
}
