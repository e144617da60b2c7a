import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { spaces } from './spaces';

/**
 * Chat messages. The author's original is kept for good: an edit moves the earlier text to
 * `chat_message_edits`, a delete only sets `deleted_at` (readers see a tombstone, moderators the text).
 */
export const chatMessages = pgTable(
	'chat_messages',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Total order of history (cursor pages, client ordering). */
		seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
		/** Chosen by the sending client; a retried send with the same id is the same message. */
		clientId: text('client_id').notNull(),
		text: text('text').notNull(),
		/** BCP 47 tag of the original. */
		lang: text('lang').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		editedAt: timestamp('edited_at', { withTimezone: true }),
		deletedAt: timestamp('deleted_at', { withTimezone: true }),
		deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
		/** Held by moderation: only its author (and moderators) see it until a moderator approves it. */
		heldAt: timestamp('held_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('chat_messages_seq_key').on(t.seq),
		index('chat_messages_space_seq_idx').on(t.spaceId, t.seq),
		// Idempotent sends. Messages whose author was deleted (author_id null) never conflict.
		uniqueIndex('chat_messages_client_key').on(t.spaceId, t.authorId, t.clientId).where(sql`${t.authorId} is not null`)
	]
);

/** Earlier versions of edited messages, for moderators. */
export const chatMessageEdits = pgTable(
	'chat_message_edits',
	{
		messageId: uuid('message_id')
			.notNull()
			.references(() => chatMessages.id, { onDelete: 'cascade' }),
		/** The text as it was before this edit. */
		previousText: text('previous_text').notNull(),
		editedAt: timestamp('edited_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('chat_message_edits_message_idx').on(t.messageId, t.editedAt)]
);

/** How far each member has read, per space (shared by all their devices). */
export const chatReadPositions = pgTable(
	'chat_read_positions',
	{
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		lastReadSeq: bigint('last_read_seq', { mode: 'number' }).notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.spaceId, t.userId] })]
);

/**
 * Machine translations, so a restart does not translate again. The key is the SHA-256 (hex) of
 * provider, source, target and text; the source text itself is not stored here.
 */
export const translations = pgTable('translations', {
	key: text('key').primaryKey(),
	provider: text('provider').notNull(),
	source: text('source').notNull(),
	target: text('target').notNull(),
	text: text('text').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});
