import type { Logger } from '../logger';
import type { UpdateStats } from './attribution';
import type { Activity, DocStore } from './store';

/**
 * Attribution counters and documents' "last edited" time, gathered in memory as updates are stored and
 * written every few seconds in one transaction, so the hot path costs one INSERT per batch. A crash can
 * lose a few seconds of counts, never an edit (the edits are in doc_updates already).
 */
export function createActivityRecorder({ store, logger, intervalMs = 2000 }: { store: DocStore; logger: Logger; intervalMs?: number }) {
	const log = logger.child({ ns: 'docs.activity' });
	let pending = new Map<string, Activity>();
	let writing: Promise<void> = Promise.resolve();
	const timer = setInterval(() => void flush(), intervalMs);
	timer.unref();

	function flush(): Promise<void> {
		writing = writing.then(async () => {
			if (pending.size === 0) return;
			const batch = [...pending.values()];
			pending = new Map();
			try {
				await store.recordActivity(batch);
			} catch (err) {
				// Keep the counts and try again with the next flush.
				for (const a of batch) merge(a);
				log.error({ err, rows: batch.length }, 'recording document activity failed; kept for the next try');
			}
		});
		return writing;
	}

	function merge(a: Activity): void {
		const key = `${a.documentId}/${a.userId}`;
		const had = pending.get(key);
		if (!had) return void pending.set(key, { ...a });
		had.updates += a.updates;
		had.chars += a.chars;
		had.shapes += a.shapes;
		if (a.lastEditAt > had.lastEditAt) had.lastEditAt = a.lastEditAt;
	}

	return {
		add({ documentId, userId, stats, at }: { documentId: string; userId: string; stats: UpdateStats; at: Date }): void {
			merge({ documentId, userId, updates: 1, chars: stats.chars, shapes: stats.shapes, lastEditAt: at });
		},
		flush,
		async close(): Promise<void> {
			clearInterval(timer);
			await flush();
		}
	};
}

export type ActivityRecorder = ReturnType<typeof createActivityRecorder>;
