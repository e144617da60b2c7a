import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { rawQuery, valuesList } from '../db/raw';
import { docContributions, docSnapshots, docUpdates, docVersions, documents } from '../db/schema';
import type { UpdateStats } from './attribution';

export interface StoredState {
	/** Snapshot first, then the tail of the log in order. */
	updates: Uint8Array[];
	/** Highest doc_updates id folded into the state (0 when nothing is stored). */
	lastId: number;
	bytes: number;
	/** Log rows not yet folded into the snapshot. */
	tailCount: number;
	lastAutoVersionAt: Date | null;
}

/** What one person added to one document since the counters were last written. */
export interface Activity {
	documentId: string;
	userId: string;
	updates: number;
	chars: number;
	shapes: number;
	lastEditAt: Date;
}

export interface UpdateRow {
	documentId: string;
	authorId: string;
	data: Uint8Array;
	stats: UpdateStats;
}

/** The SQL behind the relay: the update log, snapshots, versions and attribution. */
export function createDocStore(db: Db) {
	const raw = rawQuery(db);
	return {
		/** The snapshot and the log tail, read in one snapshot of the database so a compaction cannot fall between them. */
		async load(documentId: string): Promise<StoredState> {
			return db.transaction(
				async (tx) => {
					const [snapshot] = await tx.select().from(docSnapshots).where(eq(docSnapshots.documentId, documentId)).limit(1);
					const since = snapshot?.upToId ?? 0;
					const tail = await tx
						.select({ id: docUpdates.id, data: docUpdates.data })
						.from(docUpdates)
						.where(and(eq(docUpdates.documentId, documentId), gt(docUpdates.id, since)))
						.orderBy(asc(docUpdates.id));
					const [auto] = await tx
						.select({ createdAt: docVersions.createdAt })
						.from(docVersions)
						.where(and(eq(docVersions.documentId, documentId), eq(docVersions.auto, true)))
						.orderBy(desc(docVersions.createdAt))
						.limit(1);
					const updates = snapshot ? [snapshot.state, ...tail.map((r) => r.data)] : tail.map((r) => r.data);
					return {
						updates,
						lastId: tail.at(-1)?.id ?? since,
						bytes: updates.reduce((n, u) => n + u.byteLength, 0),
						tailCount: tail.length,
						lastAutoVersionAt: auto?.createdAt ?? null
					};
				},
				{ isolationLevel: 'repeatable read', accessMode: 'read only' }
			);
		},

		/** One INSERT for a whole batch of updates (atomic on its own); returns the highest id per document. */
		async append(rows: UpdateRow[]): Promise<Map<string, number>> {
			const lastIds = new Map<string, number>();
			if (rows.length === 0) return lastIds;
			// Run for every keystroke batch: written by hand (see rawQuery), the same INSERT drizzle would build.
			const params: unknown[] = [];
			for (const r of rows) params.push(r.documentId, r.authorId, toBuffer(r.data));
			const inserted = await raw<{ id: number; document_id: string }>(
				`insert into doc_updates (document_id, author_id, data) values ${valuesList(rows.length, 3)} returning id::float8 as id, document_id`,
				params
			);
			for (const { id, document_id: documentId } of inserted) lastIds.set(documentId, Math.max(lastIds.get(documentId) ?? 0, id));
			return lastIds;
		},

		/** Adds stored updates to the attribution counters and moves documents' updated_at, in one transaction. */
		async recordActivity(activity: Activity[]): Promise<void> {
			if (activity.length === 0) return;
			await db.transaction(async (tx) => {
				await tx
					.insert(docContributions)
					.values(activity.map((a) => ({ documentId: a.documentId, userId: a.userId, updates: a.updates, chars: a.chars, shapes: a.shapes, lastEditAt: a.lastEditAt })))
					.onConflictDoUpdate({
						target: [docContributions.documentId, docContributions.userId],
						set: {
							updates: sql`${docContributions.updates} + excluded.updates`,
							chars: sql`${docContributions.chars} + excluded.chars`,
							shapes: sql`${docContributions.shapes} + excluded.shapes`,
							lastEditAt: sql`greatest(${docContributions.lastEditAt}, excluded.last_edit_at)`
						}
					});
				const latest = new Map<string, Date>();
				for (const a of activity) if (!latest.has(a.documentId) || latest.get(a.documentId)! < a.lastEditAt) latest.set(a.documentId, a.lastEditAt);
				for (const [documentId, at] of latest) await tx.update(documents).set({ updatedAt: at }).where(eq(documents.id, documentId));
			});
		},

		/** Folds every log row up to `upToId` into the snapshot `state` (which already contains them). */
		async compact(documentId: string, state: Uint8Array, upToId: number): Promise<void> {
			await db.transaction(async (tx) => {
				await tx
					.insert(docSnapshots)
					.values({ documentId, state, upToId })
					.onConflictDoUpdate({ target: docSnapshots.documentId, set: { state, upToId, createdAt: new Date() } });
				await tx.delete(docUpdates).where(and(eq(docUpdates.documentId, documentId), lte(docUpdates.id, upToId)));
			});
		},

		async saveVersion(v: { documentId: string; name: string; auto: boolean; state: Uint8Array; createdBy: string | null }) {
			const [row] = await db.insert(docVersions).values(v).returning();
			return row!;
		}
	};
}

export type DocStore = ReturnType<typeof createDocStore>;

function toBuffer(u: Uint8Array): Buffer {
	return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
