import { bigint, bigserial, boolean, customType, index, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { spaces } from './spaces';

/** Raw bytes. PGlite hands back Uint8Array, postgres.js a Buffer (also a Uint8Array). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
	fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
});

export const documentKind = pgEnum('document_kind', ['text', 'canvas']);

export const documents = pgTable(
	'documents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		kind: documentKind('kind').notNull(),
		title: text('title').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('documents_space_idx').on(t.spaceId)]
);

/**
 * The append-only log of Yjs updates, one row per update as received, with its author. Rows up to a
 * snapshot's `upToId` are folded into `doc_snapshots` and deleted.
 */
export const docUpdates = pgTable(
	'doc_updates',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		documentId: uuid('document_id')
			.notNull()
			.references(() => documents.id, { onDelete: 'cascade' }),
		authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
		data: bytea('data').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('doc_updates_document_idx').on(t.documentId, t.id)]
);

/** The compacted state of a document: every update with id <= upToId merged into one. */
export const docSnapshots = pgTable('doc_snapshots', {
	documentId: uuid('document_id')
		.primaryKey()
		.references(() => documents.id, { onDelete: 'cascade' }),
	state: bytea('state').notNull(),
	upToId: bigint('up_to_id', { mode: 'number' }).notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

/** Named versions: a manual "save version" or an automatic daily one. The whole state, so it survives compaction. */
export const docVersions = pgTable(
	'doc_versions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		documentId: uuid('document_id')
			.notNull()
			.references(() => documents.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		auto: boolean('auto').notNull().default(false),
		state: bytea('state').notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('doc_versions_document_idx').on(t.documentId, t.createdAt)]
);

/** Who contributed how much to a document, kept for the evaluation dashboards. */
export const docContributions = pgTable(
	'doc_contributions',
	{
		documentId: uuid('document_id')
			.notNull()
			.references(() => documents.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		// bigint: a busy collective typing and deleting for a school year must never overflow a counter.
		updates: bigint('updates', { mode: 'number' }).notNull().default(0),
		chars: bigint('chars', { mode: 'number' }).notNull().default(0),
		shapes: bigint('shapes', { mode: 'number' }).notNull().default(0),
		lastEditAt: timestamp('last_edit_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.documentId, t.userId] }), index('doc_contributions_user_idx').on(t.userId)]
);

/**
 * When each person edited each document, to the hour (UTC): the evaluation dashboards' weekly co-creation series.
 * Written with `doc_contributions`, in the same transaction. An hour's granularity places an edit in the right
 * local week everywhere except within the hour around midnight in zones with half-hour offsets.
 */
export const docActivityHours = pgTable(
	'doc_activity_hours',
	{
		documentId: uuid('document_id')
			.notNull()
			.references(() => documents.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		hour: timestamp('hour', { withTimezone: true }).notNull(),
		updates: bigint('updates', { mode: 'number' }).notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.documentId, t.userId, t.hour] }), index('doc_activity_hours_hour_idx').on(t.hour), index('doc_activity_hours_user_idx').on(t.userId)]
);
