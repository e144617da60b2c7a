import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { spaces } from '../db/schema';
import type { Tx } from '../spaces';
import type { Audit } from './audit';

/**
 * Inside `tx`: locks (or unlocks) a space and records `space.lock` / `space.unlock`; false when it already was.
 * Call `restrictions.changed({ spaceId })` after commit, so open connections follow at once.
 */
export async function setSpaceLockIn(tx: Tx, audit: Audit, { actorId, spaceId, locked, reason }: { actorId: string | null; spaceId: string; locked: boolean; reason?: string }): Promise<boolean> {
	const [row] = await tx
		.update(spaces)
		.set(locked ? { lockedAt: new Date(), lockedBy: actorId } : { lockedAt: null, lockedBy: null })
		.where(and(eq(spaces.id, spaceId), locked ? isNull(spaces.lockedAt) : isNotNull(spaces.lockedAt)))
		.returning({ lockedAt: spaces.lockedAt });
	if (row) await audit.record({ actorId, action: locked ? 'space.lock' : 'space.unlock', targetType: 'space', targetId: spaceId, detail: { reason: reason ?? null } }, tx);
	return !!row;
}
