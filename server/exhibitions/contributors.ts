import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../db';
import { docActivityHours, docSnapshots, docUpdates, users } from '../db/schema';

const HOUR = 3_600_000;

/** Whether any content of `update` (inserted structs) is part of a document whose state vector is `sv`. */
export function containedIn(update: Uint8Array, sv: Map<number, number>): boolean {
	const { from } = Y.parseUpdateMeta(update);
	for (const [client, clock] of from) if ((sv.get(client) ?? 0) > clock) return true;
	return false;
}

/**
 * Who contributed to a version of a document, with their edit counts: everyone who edited in an hour before the
 * version's hour, and of those who edited only in that hour or the next (a batch of edits is counted in the hour of
 * its last one, which can fall after the version), each whose stored updates are part of the version. Call it once
 * the relay's writes and attribution are flushed.
 * Where that cannot be told (the log of that hour was compacted into the snapshot), they are counted: asking one
 * person too many for consent is safe, leaving one out is not. Deleted accounts are left out.
 */
export async function contributorsOf(db: Pick<Db, 'select'>, { documentId, state, at }: { documentId: string; state: Uint8Array; at: Date }): Promise<Array<{ userId: string; updates: number }>> {
	const hourStart = new Date(Math.floor(at.getTime() / HOUR) * HOUR);
	const rows = await db
		.select({ userId: docActivityHours.userId, hour: docActivityHours.hour, updates: sql<number>`${docActivityHours.updates}::float8` })
		.from(docActivityHours)
		.innerJoin(users, eq(users.id, docActivityHours.userId))
		.where(and(eq(docActivityHours.documentId, documentId), sql`${docActivityHours.hour} <= ${new Date(hourStart.getTime() + HOUR).toISOString()}::timestamptz`, sql`${users.deletedAt} is null`));
	const totals = new Map<string, number>();
	const before = new Set<string>();
	for (const r of rows) {
		totals.set(r.userId, (totals.get(r.userId) ?? 0) + Number(r.updates));
		if (r.hour.getTime() < hourStart.getTime()) before.add(r.userId);
	}
	const unsure = [...totals.keys()].filter((id) => !before.has(id));
	const shown = new Set(before);
	if (unsure.length > 0) {
		const [snapshot] = await db.select({ createdAt: docSnapshots.createdAt }).from(docSnapshots).where(eq(docSnapshots.documentId, documentId)).limit(1);
		const compactedSince = snapshot !== undefined && snapshot.createdAt.getTime() >= hourStart.getTime();
		const sv = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state));
		const log = await db
			.select({ authorId: docUpdates.authorId, data: docUpdates.data })
			.from(docUpdates)
			.where(and(eq(docUpdates.documentId, documentId), inArray(docUpdates.authorId, unsure), gte(docUpdates.createdAt, hourStart)));
		for (const id of unsure) {
			const theirs = log.filter((r) => r.authorId === id);
			if (compactedSince || theirs.some((r) => containedIn(r.data, sv))) shown.add(id);
		}
	}
	return [...shown].map((userId) => ({ userId, updates: totals.get(userId) ?? 0 }));
}
