import { and, asc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, chatMessageEdits, chatMessages, moderationQueue, profiles, spaceMembers, spaces, users } from '../db/schema';
import { AppError, notFound } from '../errors';

/**
 * `superseded`: a held edit a moderator tried to approve after its author had edited the message again; never applied.
 * `blocked`: refused by the pipeline in a space that has or had a minor, kept for review; nothing to approve or reject.
 */
export type ReviewStatus = 'held' | 'approved' | 'rejected' | 'superseded' | 'blocked';

/**
 * What is held: `chat` a new message (stored with `held_at`, seen by its author only), `chat-edit` a new text for
 * a message others still read in its earlier version, `chat-translation` a machine translation that hit a word
 * list (not delivered; the original went out or was held on its own), `doc` text written into a document. With
 * status `blocked`, a `chat` or `chat-edit` entry is a text the pipeline refused in a space that has or had a minor.
 */
export type QueueKind = 'chat' | 'chat-edit' | 'chat-translation' | 'doc';

/** One entry of the moderation queue, as moderators see it. */
export interface QueueItem {
	id: string;
	kind: string;
	spaceId: string;
	spaceTitle: string;
	/** The message (or document) concerned. */
	targetId: string;
	authorId: string | null;
	authorName: string;
	text: string;
	lang: string;
	hook: string;
	reason: string;
	status: ReviewStatus;
	createdAt: string;
	reviewedAt: string | null;
	reviewedBy: string | null;
}

/** What a review changed, for whoever delivers it (chat). */
export interface Reviewed {
	id: string;
	kind: string;
	spaceId: string;
	targetId: string;
	authorId: string | null;
	/** `superseded`: an approval came too late for a held edit (see `review`); nothing was applied. */
	status: 'approved' | 'rejected' | 'superseded';
}

const MAX_PAGE = 200;

/** The SQL of the moderation queue: listing, and approving or rejecting with the audit entry in the same transaction. */
export function createQueueStore(db: Db) {
	/** Moderators and admins review anything; a space's supervisor reviews what was held in that space. */
	async function mayReview(tx: Pick<Db, 'select'>, actorId: string, spaceId: string): Promise<boolean> {
		const [actor] = await tx.select({ role: users.role, status: users.status }).from(users).where(eq(users.id, actorId)).limit(1);
		if (!actor || actor.status !== 'active') return false;
		// Supervisors are staff (only moderators and admins are made supervisors); one demoted since reviews nothing.
		return actor.role === 'moderator' || actor.role === 'admin';
	}

	/**
	 * Whether the message was edited after this held edit was queued: applied at once (or by an approval), or
	 * another edit queued. Compared in SQL, to the microsecond.
	 */
	async function editedSince(tx: Pick<Db, 'select'>, queueId: string, messageId: string): Promise<boolean> {
		const queuedAt = sql`(select q.created_at from moderation_queue q where q.id = ${queueId}::uuid)`;
		const [later] = await tx
			.select({ id: moderationQueue.id })
			.from(moderationQueue)
			.where(
				and(
					eq(moderationQueue.targetId, messageId),
					eq(moderationQueue.kind, 'chat-edit'),
					ne(moderationQueue.id, queueId),
					sql`(${moderationQueue.createdAt}, ${moderationQueue.id}) > (select q.created_at, q.id from moderation_queue q where q.id = ${queueId}::uuid)`
				)
			)
			.limit(1);
		if (later) return true;
		const [edited] = await tx
			.select({ id: chatMessages.id })
			.from(chatMessages)
			.where(and(eq(chatMessages.id, messageId), sql`${chatMessages.editedAt} >= ${queuedAt}`))
			.limit(1);
		return edited !== undefined;
	}

	return {
		mayReview: (actorId: string, spaceId: string) => mayReview(db, actorId, spaceId),

		/**
		 * Entries with this status, oldest first, after `after` (an entry id) when paging. `viewerId`: the moderator who
		 * reads it, who is not shown their own texts (nobody reviews their own; and why one was held, a pause after a
		 * report on them, must not reach them).
		 */
		async list({
			status = 'held',
			limit = 50,
			after,
			spaceId,
			viewerId
		}: {
			status?: ReviewStatus;
			limit?: number;
			after?: string;
			spaceId?: string;
			viewerId?: string;
		}): Promise<QueueItem[]> {
			if (after && (await db.select({ id: moderationQueue.id }).from(moderationQueue).where(eq(moderationQueue.id, after)).limit(1)).length === 0) throw notFound();
			const rows = await db
				.select({ q: moderationQueue, authorName: profiles.displayName, spaceTitle: spaces.title })
				.from(moderationQueue)
				.innerJoin(spaces, eq(spaces.id, moderationQueue.spaceId))
				.leftJoin(profiles, eq(profiles.userId, moderationQueue.authorId))
				.where(
					and(
						eq(moderationQueue.status, status),
						spaceId ? eq(moderationQueue.spaceId, spaceId) : undefined,
						viewerId ? or(isNull(moderationQueue.authorId), ne(moderationQueue.authorId, viewerId)) : undefined,
						after
							? sql`(${moderationQueue.createdAt}, ${moderationQueue.id}) > (select q.created_at, q.id from moderation_queue q where q.id = ${after}::uuid)`
							: undefined
					)
				)
				.orderBy(asc(moderationQueue.createdAt), asc(moderationQueue.id))
				.limit(Math.min(Math.max(1, limit), MAX_PAGE));
			return rows.map(({ q, authorName, spaceTitle }) => ({
				id: q.id,
				kind: q.kind,
				spaceId: q.spaceId,
				spaceTitle,
				targetId: q.targetId,
				authorId: q.authorId,
				authorName: authorName ?? '',
				text: q.text,
				lang: q.lang,
				hook: q.hook,
				reason: q.reason,
				status: q.status,
				createdAt: q.createdAt.toISOString(),
				reviewedAt: q.reviewedAt?.toISOString() ?? null,
				reviewedBy: q.reviewedBy
			}));
		},

		/**
		 * Approves or rejects a held entry. Approving a held message clears its `held_at`; approving an edit applies
		 * it (the earlier text kept in chat_message_edits) only while it is the message's latest edit: once its author
		 * has edited again (applied at once, or queued too, whatever became of that), the entry is marked `superseded`
		 * instead and the newer text stays. The audit entry is written in the same transaction.
		 */
		async review({ id, actorId, decision, reason }: { id: string; actorId: string; decision: 'approved' | 'rejected'; reason?: string }): Promise<Reviewed> {
			return db.transaction(async (tx) => {
				const [item] = await tx.select().from(moderationQueue).where(eq(moderationQueue.id, id)).for('update');
				if (!item) throw notFound();
				if (!(await mayReview(tx, actorId, item.spaceId)) || item.authorId === actorId) throw new AppError(403, 'forbidden');
				if (item.status !== 'held') throw new AppError(409, 'already_reviewed');
				let status: Reviewed['status'] = decision;
				if (decision === 'approved' && item.kind === 'chat') {
					await tx.update(chatMessages).set({ heldAt: null }).where(eq(chatMessages.id, item.targetId));
				}
				if (decision === 'approved' && item.kind === 'chat-edit') {
					// Locked as the author's own edits lock it, so an edit and this approval see each other.
					const [current] = await tx
						.select()
						.from(chatMessages)
						.where(and(eq(chatMessages.id, item.targetId), isNull(chatMessages.deletedAt)))
						.for('update');
					if (current && (await editedSince(tx, item.id, item.targetId))) status = 'superseded';
					else if (current && current.text !== item.text) {
						await tx.insert(chatMessageEdits).values({ messageId: current.id, previousText: current.text });
						await tx.update(chatMessages).set({ text: item.text, editedAt: sql`now()` }).where(eq(chatMessages.id, current.id));
					}
				}
				await tx.update(moderationQueue).set({ status, reviewedAt: sql`now()`, reviewedBy: actorId }).where(eq(moderationQueue.id, id));
				await tx.insert(auditLog).values({
					actorId,
					action: status === 'approved' ? 'message.approve' : status === 'superseded' ? 'message.supersede' : 'message.reject',
					targetType: item.kind === 'doc' ? 'document' : 'message',
					targetId: item.targetId,
					// Codes and ids only: the text stays in the queue, not in the log.
					detail: JSON.stringify({ queueId: item.id, kind: item.kind, spaceId: item.spaceId, hook: item.hook, reason: item.reason, ...(reason ? { note: reason } : {}) })
				});
				return { id: item.id, kind: item.kind, spaceId: item.spaceId, targetId: item.targetId, authorId: item.authorId, status };
			});
		},

		/** How many entries wait for review (in one space, or everywhere). */
		async countHeld({ spaceId }: { spaceId?: string } = {}): Promise<number> {
			const [row] = await db
				.select({ n: sql<number>`count(*)::int` })
				.from(moderationQueue)
				.where(and(eq(moderationQueue.status, 'held'), spaceId ? eq(moderationQueue.spaceId, spaceId) : undefined));
			return row?.n ?? 0;
		}
	};
}

export type QueueStore = ReturnType<typeof createQueueStore>;
