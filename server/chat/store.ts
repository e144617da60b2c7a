import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import type { Db } from '../db';
import { writerRawQuery } from '../db/raw';
import { chatMessageEdits, chatMessages, chatReadPositions, moderationQueue, profiles } from '../db/schema';

export type MessageRow = typeof chatMessages.$inferSelect;
export interface NewMessage {
	spaceId: string;
	authorId: string;
	clientId: string;
	text: string;
	lang: string;
	/** Held by moderation: stored with `held_at` and a moderation_queue entry in the same transaction. */
	review?: { hook: string; reason: string };
}

/** What an author is shown about their own message's review (see `reviewsOf`). */
export interface AuthorReview {
	/** A held message a moderator did not approve. */
	rejected: boolean;
	/** Their latest edit of it, when it went to the queue and nothing replaced it since. */
	edit?: { status: 'pending'; text: string } | { status: 'rejected' };
}

/** Which hook held a text, and why (codes, never the text). */
export interface Review {
	hook: string;
	reason: string;
}

/**
 * What readers see of a stored row: a deleted message keeps its text in the database, never on the wire. A held
 * row is marked `held` (only its author is ever sent one); `rejected` when a moderator turned it down.
 */
export function toChatMessage(row: MessageRow, authorName: string | null, held?: 'pending' | 'rejected'): ChatMessage {
	const message: ChatMessage = {
		id: row.id,
		seq: row.seq,
		spaceId: row.spaceId,
		authorId: row.authorId,
		authorName: row.authorId ? (authorName ?? '') : '',
		text: row.deletedAt ? '' : row.text,
		lang: row.lang,
		clientId: row.clientId,
		createdAt: row.createdAt.toISOString(),
		editedAt: row.editedAt?.toISOString() ?? null,
		deletedAt: row.deletedAt?.toISOString() ?? null
	};
	if (row.heldAt || held) message.held = held ?? 'pending';
	return message;
}

/** The SQL behind chat. */
export function createChatStore(db: Db) {
	const withAuthor = { row: chatMessages, authorName: profiles.displayName };

	async function byClientId({ spaceId, authorId, clientId }: { spaceId: string; authorId: string; clientId: string }): Promise<MessageRow | undefined> {
		const [row] = await db
			.select()
			.from(chatMessages)
			.where(and(eq(chatMessages.spaceId, spaceId), eq(chatMessages.authorId, authorId), eq(chatMessages.clientId, clientId)))
			.limit(1);
		return row;
	}

	async function byId({ spaceId, messageId }: { spaceId: string; messageId: string }): Promise<{ row: MessageRow; authorName: string | null } | undefined> {
		const [found] = await db
			.select(withAuthor)
			.from(chatMessages)
			.leftJoin(profiles, eq(profiles.userId, chatMessages.authorId))
			.where(and(eq(chatMessages.id, messageId), eq(chatMessages.spaceId, spaceId)))
			.limit(1);
		return found;
	}

	const writes = writerRawQuery(db);

	/**
	 * The INSERT every batch of sends runs, written by hand (see rawQuery): the same statement drizzle builds, without
	 * building it for each batch on the event loop. It runs on the writer's own connection (writerRawQuery), so a
	 * send never waits behind other queries.
	 */
	async function insertPlain(rows: NewMessageRow[]): Promise<MessageRow[]> {
		// One array per column (see rawQuery), in the order sent: seq follows it.
		const params = [rows.map((r) => r.spaceId), rows.map((r) => r.authorId), rows.map((r) => r.clientId), rows.map((r) => r.text), rows.map((r) => r.lang)];
		const inserted = await writes<RawMessage>(
			`insert into chat_messages (space_id, author_id, client_id, text, lang)
			 select space_id, author_id, client_id, text, lang
			 from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) with ordinality as t(space_id, author_id, client_id, text, lang, n)
			 order by n
			 on conflict (space_id, author_id, client_id) where author_id is not null do nothing
			 returning id, seq::float8 as seq, space_id, author_id, client_id, text, lang, created_at, edited_at, deleted_at, deleted_by, held_at`,
			params
		);
		return inserted.map(fromRaw);
	}

	return {
		/**
		 * One multi-row INSERT for a batch of sends. A send whose (space, author, client id) is already stored is
		 * not stored again: it gets the row stored the first time, with `created: false`.
		 */
		async insertMany(rows: NewMessage[]): Promise<{ row: MessageRow; created: boolean }[]> {
			if (rows.length === 0) return [];
			const values = rows.map(({ review, ...row }) => (review ? { ...row, heldAt: sql`now()` } : row));
			const insert = (q: Pick<Db, 'insert'>) =>
				q
					.insert(chatMessages)
					.values(values)
					.onConflictDoNothing({
						target: [chatMessages.spaceId, chatMessages.authorId, chatMessages.clientId],
						where: sql`author_id is not null`
					})
					.returning();
			const key = (r: { spaceId: string; authorId: string | null; clientId: string }) => `${r.spaceId}\u0000${r.authorId}\u0000${r.clientId}`;
			const reviewed = rows.filter((r) => r.review);
			const inserted =
				reviewed.length === 0
					? await insertPlain(values as NewMessageRow[])
					: // A held message and its queue entry are stored together: a held message nobody can find would never be seen.
						await db.transaction(async (tx) => {
							const stored = await insert(tx);
							const fresh = new Map(stored.map((r) => [key(r), r]));
							const entries = reviewed.flatMap((r) => {
								const row = fresh.get(key(r));
								if (!row) return [];
								fresh.delete(key(r));
								return [{ kind: 'chat', spaceId: r.spaceId, targetId: row.id, authorId: r.authorId, text: r.text, lang: r.lang, hook: r.review!.hook, reason: r.review!.reason }];
							});
							if (entries.length > 0) await tx.insert(moderationQueue).values(entries);
							return stored;
						});
			const byKey = new Map(inserted.map((r) => [key(r), r]));
			const claimed = new Set<string>();
			const out: { row: MessageRow; created: boolean }[] = [];
			for (const r of rows) {
				const k = key(r);
				const fresh = byKey.get(k);
				if (fresh && !claimed.has(k)) {
					claimed.add(k);
					out.push({ row: fresh, created: true });
					continue;
				}
				// Stored before, or a second send with the same key in this batch: a retry of the first.
				const row = fresh ?? (await byClientId(r));
				if (!row) throw new Error('a conflicting chat message vanished');
				out.push({ row, created: false });
			}
			return out;
		},

		byClientId,
		byId,

		/**
		 * Up to `limit` messages before or after a position (by seq), oldest first, and whether more lie beyond.
		 * Held messages are in it only for their author (`viewerId`).
		 */
		async page({ spaceId, viewerId, beforeSeq, afterSeq, limit }: { spaceId: string; viewerId: string; beforeSeq?: number; afterSeq?: number; limit: number }) {
			const forward = afterSeq !== undefined;
			const rows = await db
				.select(withAuthor)
				.from(chatMessages)
				.leftJoin(profiles, eq(profiles.userId, chatMessages.authorId))
				.where(
					and(
						eq(chatMessages.spaceId, spaceId),
						or(isNull(chatMessages.heldAt), eq(chatMessages.authorId, viewerId)),
						forward ? gt(chatMessages.seq, afterSeq) : beforeSeq !== undefined ? lt(chatMessages.seq, beforeSeq) : undefined
					)
				)
				.orderBy(forward ? asc(chatMessages.seq) : desc(chatMessages.seq))
				.limit(limit + 1);
			const hasMore = rows.length > limit;
			const page = rows.slice(0, limit);
			if (!forward) page.reverse();
			return { rows: page, hasMore };
		},

		async seqOf({ spaceId, messageId }: { spaceId: string; messageId: string }): Promise<number | undefined> {
			const [row] = await db
				.select({ seq: chatMessages.seq })
				.from(chatMessages)
				.where(and(eq(chatMessages.id, messageId), eq(chatMessages.spaceId, spaceId)))
				.limit(1);
			return row?.seq;
		},

		/**
		 * Replaces a live message's text, keeping the earlier text for moderators. Returns the updated row, or
		 * undefined when the message is gone or deleted meanwhile.
		 */
		async edit({ spaceId, messageId, text }: { spaceId: string; messageId: string; text: string }): Promise<MessageRow | undefined> {
			return db.transaction(async (tx) => {
				const [current] = await tx
					.select()
					.from(chatMessages)
					.where(and(eq(chatMessages.id, messageId), eq(chatMessages.spaceId, spaceId), isNull(chatMessages.deletedAt)))
					.for('update');
				if (!current) return undefined;
				if (current.text === text) return current;
				await tx.insert(chatMessageEdits).values({ messageId, previousText: current.text });
				const [updated] = await tx.update(chatMessages).set({ text, editedAt: sql`now()` }).where(eq(chatMessages.id, messageId)).returning();
				return updated;
			});
		},

		/**
		 * Marks a live message edited now without changing its text (its author took back an edit that waits for a
		 * moderator). Returns the row, or undefined when the message is gone or deleted.
		 */
		async touchEdited({ spaceId, messageId }: { spaceId: string; messageId: string }): Promise<MessageRow | undefined> {
			const [row] = await db
				.update(chatMessages)
				.set({ editedAt: sql`now()` })
				.where(and(eq(chatMessages.id, messageId), eq(chatMessages.spaceId, spaceId), isNull(chatMessages.deletedAt)))
				.returning();
			return row;
		},

		/** Marks a message deleted (its text stays for moderators). Returns the row, already deleted or not. */
		async markDeleted({ spaceId, messageId, by }: { spaceId: string; messageId: string; by: string }): Promise<{ row: MessageRow; changed: boolean } | undefined> {
			const [updated] = await db
				.update(chatMessages)
				.set({ deletedAt: sql`now()`, deletedBy: by })
				.where(and(eq(chatMessages.id, messageId), eq(chatMessages.spaceId, spaceId), isNull(chatMessages.deletedAt)))
				.returning();
			if (updated) return { row: updated, changed: true };
			const found = await byId({ spaceId, messageId });
			return found ? { row: found.row, changed: false } : undefined;
		},

		/** Moves a read position forward; never back. */
		async markRead({ spaceId, userId, seq }: { spaceId: string; userId: string; seq: number }): Promise<void> {
			await db
				.insert(chatReadPositions)
				.values({ spaceId, userId, lastReadSeq: seq })
				.onConflictDoUpdate({
					target: [chatReadPositions.spaceId, chatReadPositions.userId],
					set: { lastReadSeq: seq, updatedAt: sql`now()` },
					setWhere: lt(chatReadPositions.lastReadSeq, seq)
				});
		},

		/** The last message `userId` has read in the space, or null. */
		async lastReadId({ spaceId, userId }: { spaceId: string; userId: string }): Promise<string | null> {
			const [row] = await db
				.select({ id: chatMessages.id })
				.from(chatReadPositions)
				.innerJoin(chatMessages, eq(chatMessages.seq, chatReadPositions.lastReadSeq))
				.where(and(eq(chatReadPositions.spaceId, spaceId), eq(chatReadPositions.userId, userId)))
				.limit(1);
			return row?.id ?? null;
		},

		/**
		 * What the author of these messages has waiting or turned down, per message id: `rejected` for a held message
		 * a moderator did not approve, and what became of their latest edit when it went to the queue: still waiting
		 * (with its text) or rejected. An edit counts only while it is the latest one: an edit made since (applied at
		 * once, or itself queued) replaces it.
		 */
		async reviewsOf({ authorId, messageIds }: { authorId: string; messageIds: string[] }): Promise<Map<string, AuthorReview>> {
			const out = new Map<string, AuthorReview>();
			if (messageIds.length === 0) return out;
			const rows = await db
				.select({
					targetId: moderationQueue.targetId,
					kind: moderationQueue.kind,
					status: moderationQueue.status,
					text: moderationQueue.text,
					createdAt: moderationQueue.createdAt,
					editedAt: chatMessages.editedAt
				})
				.from(moderationQueue)
				.innerJoin(chatMessages, eq(chatMessages.id, moderationQueue.targetId))
				.where(
					and(
						inArray(moderationQueue.targetId, messageIds),
						eq(moderationQueue.authorId, authorId),
						or(and(eq(moderationQueue.kind, 'chat'), eq(moderationQueue.status, 'rejected')), eq(moderationQueue.kind, 'chat-edit'))
					)
				)
				.orderBy(asc(moderationQueue.createdAt), asc(moderationQueue.id));
			const latestEdit = new Map<string, (typeof rows)[number]>();
			for (const r of rows) {
				if (r.kind === 'chat') out.set(r.targetId, { ...out.get(r.targetId), rejected: true });
				else latestEdit.set(r.targetId, r);
			}
			for (const [id, e] of latestEdit) {
				// An edit applied after it was queued (by the author, or an approval of it) is what readers see now.
				if (e.editedAt && e.editedAt.getTime() >= e.createdAt.getTime()) continue;
				const edit = e.status === 'held' ? { status: 'pending' as const, text: e.text } : e.status === 'rejected' ? { status: 'rejected' as const } : undefined;
				if (edit) out.set(id, { rejected: out.get(id)?.rejected ?? false, edit });
			}
			return out;
		},

		/** Puts a text in the moderation queue: an edit held for review, or a translation withheld. */
		async enqueue(entry: { kind: 'chat-edit' | 'chat-translation'; spaceId: string; targetId: string; authorId: string | null; text: string; lang: string } & Review): Promise<void> {
			await db.insert(moderationQueue).values(entry);
		},

		/**
		 * Keeps a text the pipeline refused, for moderators only (status `blocked`: nothing to approve). A refused edit
		 * points at its message; a refused new message was never stored, so its entry points at itself.
		 */
		async keepBlocked({ kind, editOf, ...entry }: { kind: 'chat' | 'chat-edit'; editOf: string | null; spaceId: string; authorId: string; text: string; lang: string } & Review): Promise<void> {
			const id = randomUUID();
			await db.insert(moderationQueue).values({ id, kind, targetId: kind === 'chat-edit' && editOf ? editOf : id, status: 'blocked', ...entry });
		},

		/** Every edit's earlier text, for moderators and tests. */
		async edits(messageIds: string[]) {
			if (messageIds.length === 0) return [];
			return db.select().from(chatMessageEdits).where(inArray(chatMessageEdits.messageId, messageIds)).orderBy(asc(chatMessageEdits.editedAt));
		}
	};
}

export type ChatStore = ReturnType<typeof createChatStore>;

type NewMessageRow = Omit<NewMessage, 'review'>;

interface RawMessage {
	id: string;
	seq: number;
	space_id: string;
	author_id: string | null;
	client_id: string;
	text: string;
	lang: string;
	created_at: Date | string;
	edited_at: Date | string | null;
	deleted_at: Date | string | null;
	deleted_by: string | null;
	held_at: Date | string | null;
}

/** Drizzle's postgres.js client hands timestamps over as text (drizzle parses them itself); PGlite as Dates. */
const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));

function fromRaw(r: RawMessage): MessageRow {
	return {
		id: r.id,
		seq: r.seq,
		spaceId: r.space_id,
		authorId: r.author_id,
		clientId: r.client_id,
		text: r.text,
		lang: r.lang,
		createdAt: date(r.created_at),
		editedAt: dateOrNull(r.edited_at),
		deletedAt: dateOrNull(r.deleted_at),
		deletedBy: r.deleted_by,
		heldAt: dateOrNull(r.held_at)
	};
}
