import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { chatMessages, moderationQueue, profiles, reports, spaces } from '../db/schema';

/**
 * Which of a departing person's messages the safeguarding policy keeps for review: all of them if they are a
 * minor; otherwise those in spaces that have or ever had a minor in them (`spaces.had_minor`: a minor who left or
 * turned 18 does not take the space's protection away), those reported, and those that are or were in the
 * moderation queue. Everything else is theirs to take away.
 */
export async function keptForSafeguarding(tx: Db, { userId, minorAge, messageIds }: { userId: string; minorAge: number; messageIds: string[] }): Promise<Set<string>> {
	if (messageIds.length === 0) return new Set();
	const isMinor = sql`${profiles.birthDate} > (current_date - make_interval(years => ${minorAge}::int))`;
	const [me] = await tx.select({ minor: sql<boolean>`${isMinor}` }).from(profiles).where(eq(profiles.userId, userId)).limit(1);
	if (me?.minor) return new Set(messageIds);

	const kept = new Set<string>();
	for (let i = 0; i < messageIds.length; i += 500) {
		const chunk = messageIds.slice(i, i + 500);
		const inMinorSpaces = await tx
			.select({ id: chatMessages.id })
			.from(chatMessages)
			.innerJoin(spaces, eq(spaces.id, chatMessages.spaceId))
			.where(and(inArray(chatMessages.id, chunk), eq(spaces.hadMinor, true)));
		const held = await tx.select({ id: chatMessages.id }).from(chatMessages).where(and(inArray(chatMessages.id, chunk), isNotNull(chatMessages.heldAt)));
		const reported = await tx.select({ id: reports.targetId }).from(reports).where(and(eq(reports.targetType, 'message'), inArray(reports.targetId, chunk)));
		const queued = await tx.select({ id: moderationQueue.targetId }).from(moderationQueue).where(inArray(moderationQueue.targetId, chunk));
		for (const row of [...inMinorSpaces, ...held, ...reported, ...queued]) kept.add(row.id);
	}
	return kept;
}
