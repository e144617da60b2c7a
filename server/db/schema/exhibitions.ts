import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { bytea, documentKind, documents, docVersions } from './documents';
import { spaces } from './spaces';

/**
 * A proposed work waits for its consents and a moderator; `approved` is shown publicly only while every
 * consent it needs is live. `rejected` (by a moderator) and `retracted` (by the proposer) are final.
 */
export const workStatus = pgEnum('work_status', ['pending', 'approved', 'rejected', 'retracted']);
/** How a contributor is named: display name, initials, or not at all. Ordered from most to least telling. */
export const creditStyle = pgEnum('credit_style', ['name', 'initials', 'anonymous']);
/** A contributor's (or guardian's) answer about one work. `withdrawn`: granted once, taken back. */
export const workDecision = pgEnum('work_decision', ['pending', 'granted', 'declined', 'withdrawn']);

/**
 * A document or canvas, at one version, proposed for exhibitions. The version's Yjs state is copied here, so the
 * work stays what everyone consented to, whatever later happens to the document and its versions.
 */
export const works = pgTable(
	'works',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		documentId: uuid('document_id').references(() => documents.id, { onDelete: 'set null' }),
		versionId: uuid('version_id').references(() => docVersions.id, { onDelete: 'set null' }),
		kind: documentKind('kind').notNull(),
		state: bytea('state').notNull(),
		/** When the version was saved: the contributors are those who edited before it. */
		versionAt: timestamp('version_at', { withTimezone: true }).notNull(),
		/**
		 * How many people contributed to the version. A work is shown only while this many have granted consent, so a
		 * contributor whose row went (their account deleted) hides the work rather than dropping out of its consents.
		 */
		contributorCount: integer('contributor_count').notNull(),
		title: text('title').notNull(),
		statement: text('statement').notNull(),
		/** Alt text for the image (a canvas) or a short description (a text). */
		altText: text('alt_text').notNull(),
		/** The language title, statement and alt text are written in. */
		lang: text('lang').notNull(),
		status: workStatus('status').notNull().default('pending'),
		proposedBy: uuid('proposed_by').references(() => users.id, { onDelete: 'set null' }),
		proposedAt: timestamp('proposed_at', { withTimezone: true }).notNull().defaultNow(),
		reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
		reviewNote: text('review_note'),
		/** The last time a consent it needed was taken back (curators are told). */
		withdrawnAt: timestamp('withdrawn_at', { withTimezone: true })
	},
	(t) => [index('works_space_idx').on(t.spaceId), index('works_status_idx').on(t.status)]
);

/**
 * One row per contributor of a work's version: their answer and credit choice, and for a minor their guardian's
 * answer and the most the guardian lets the credit show.
 */
export const workContributors = pgTable(
	'work_contributors',
	{
		workId: uuid('work_id')
			.notNull()
			.references(() => works.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		decision: workDecision('decision').notNull().default('pending'),
		decidedAt: timestamp('decided_at', { withTimezone: true }),
		credit: creditStyle('credit').notNull().default('initials'),
		showCountry: boolean('show_country').notNull().default(false),
		/** A minor when proposed: their guardian must agree too. */
		guardianRequired: boolean('guardian_required').notNull(),
		guardianDecision: workDecision('guardian_decision').notNull().default('pending'),
		guardianDecidedAt: timestamp('guardian_decided_at', { withTimezone: true }),
		/** The most the guardian lets the credit show; the shown credit is the lesser of this and the contributor's. */
		guardianCredit: creditStyle('guardian_credit').notNull().default('anonymous'),
		guardianShowCountry: boolean('guardian_show_country').notNull().default(false),
		/** Edits of this person in the version (updates), for ordering credits. */
		edits: integer('edits').notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.workId, t.userId] }), index('work_contributors_user_idx').on(t.userId)]
);

export const exhibitionStatus = pgEnum('exhibition_status', ['draft', 'published']);

/** A curated, ordered set of works at a public address. */
export const exhibitions = pgTable(
	'exhibitions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		slug: text('slug').notNull(),
		title: text('title').notNull(),
		introduction: text('introduction').notNull(),
		lang: text('lang').notNull(),
		status: exhibitionStatus('status').notNull().default('draft'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		publishedAt: timestamp('published_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('exhibitions_slug_key').on(sql`lower(${t.slug})`)]
);

export const exhibitionWorks = pgTable(
	'exhibition_works',
	{
		exhibitionId: uuid('exhibition_id')
			.notNull()
			.references(() => exhibitions.id, { onDelete: 'cascade' }),
		workId: uuid('work_id')
			.notNull()
			.references(() => works.id, { onDelete: 'cascade' }),
		position: integer('position').notNull()
	},
	(t) => [primaryKey({ columns: [t.exhibitionId, t.workId] }), index('exhibition_works_work_idx').on(t.workId)]
);
