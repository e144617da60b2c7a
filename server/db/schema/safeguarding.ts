import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { spaces } from './spaces';

/**
 * The program's safeguarding policy: one row (id 1), edited by admins, every change in the audit log.
 * Defaults are the safe ones; a fresh install runs with them before anyone has touched the policy.
 */
export const programPolicy = pgTable(
	'program_policy',
	{
		id: smallint('id').primaryKey().default(1),
		/** Under this age a participant is a minor. */
		minorAge: smallint('minor_age').notNull().default(18),
		/** Under this age a guardian must consent before the account can take part. */
		consentAge: smallint('consent_age').notNull().default(16),
		/** Per-country consent ages (ISO 3166-1 alpha-2 → age), overriding `consentAge`. */
		consentAgeByCountry: jsonb('consent_age_by_country').$type<Record<string, number>>().notNull().default({}),
		/** Spaces with a minor need a supervising moderator before anyone can join or write. */
		supervisedSpacesForMinors: boolean('supervised_spaces_for_minors').notNull().default(true),
		/** Contact details (emails, phone numbers, handles, messaging links) are held in spaces with a minor. */
		contactFilterForMinors: boolean('contact_filter_for_minors').notNull().default(true),
		/** How long safeguarding records (held and reported messages, reports, audit entries) outlive deletion. */
		retentionDays: integer('retention_days').notNull().default(2190),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [check('program_policy_singleton', sql`${t.id} = 1`)]
);

export const consentPurpose = pgEnum('consent_purpose', ['participation', 'recording', 'exhibition', 'evaluation']);
export const consentGrantor = pgEnum('consent_grantor', ['self', 'guardian']);

/**
 * A guardian's consent for a participant under the consent age: asked for at sign-up, confirmed through a
 * single-use, expiring link. Only the SHA-256 of the link's token is stored.
 */
export const guardianConsents = pgTable(
	'guardian_consents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		guardianName: text('guardian_name').notNull(),
		guardianEmail: text('guardian_email').notNull(),
		tokenHash: text('token_hash').notNull(),
		/** What the guardian is asked to agree to (and, once confirmed, agreed to). */
		purposes: jsonb('purposes').$type<string[]>().notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
		/** A newer request replaced this one; its link no longer works. */
		supersededAt: timestamp('superseded_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('guardian_consents_token_key').on(t.tokenHash), index('guardian_consents_user_idx').on(t.userId)]
);

/**
 * A guardian's standing link to see, withdraw and give again their child's consents after confirming (guardians have
 * no account). Issued when they confirm and mailed through the outbox; only the SHA-256 of its token is stored. At
 * most one works per child: a newer confirmation, or the guardian asking for a fresh link, revokes the one before.
 */
export const guardianLinks = pgTable(
	'guardian_links',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The confirmation it came from: who the guardian is (name, address for a fresh link). */
		guardianConsentId: uuid('guardian_consent_id')
			.notNull()
			.references(() => guardianConsents.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('guardian_links_token_key').on(t.tokenHash),
		uniqueIndex('guardian_links_live_key').on(t.userId).where(sql`${t.revokedAt} is null`)
	]
);

/**
 * The consent ledger: one row per grant, per person and purpose. Revoking sets `revoked_at`; a new grant is a
 * new row, so the history of who agreed to what, and when, is kept.
 */
export const consents = pgTable(
	'consents',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		purpose: consentPurpose('purpose').notNull(),
		grantedBy: consentGrantor('granted_by').notNull(),
		/** The guardian's confirmation this grant came from, when a guardian gave it. */
		guardianConsentId: uuid('guardian_consent_id').references(() => guardianConsents.id, { onDelete: 'set null' }),
		grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		revokedBy: consentGrantor('revoked_by')
	},
	(t) => [
		index('consents_user_idx').on(t.userId, t.purpose),
		// At most one live grant per person and purpose.
		uniqueIndex('consents_live_key').on(t.userId, t.purpose).where(sql`${t.revokedAt} is null`)
	]
);

/**
 * Mail waiting to go out (guardian consent links, alerts). Sent by SMTP when SMTP_URL is set; otherwise admins
 * see it in the console and pass it on.
 */
export const outbox = pgTable(
	'outbox',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').notNull(),
		toAddress: text('to_address').notNull(),
		subject: text('subject').notNull(),
		body: text('body').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		sentAt: timestamp('sent_at', { withTimezone: true }),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		/** A process is sending this mail until then: with several processes, each mail goes out once. */
		claimedUntil: timestamp('claimed_until', { withTimezone: true })
	},
	(t) => [index('outbox_unsent_idx').on(t.createdAt).where(sql`${t.sentAt} is null`)]
);

export const reportTarget = pgEnum('report_target', ['message', 'user', 'space']);
export const reportStatus = pgEnum('report_status', ['open', 'resolved', 'dismissed']);

/** Reports by members. The reporter is never shown to the person reported. Kept for the retention period. */
export const reports = pgTable(
	'reports',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		reporterId: uuid('reporter_id').references(() => users.id, { onDelete: 'set null' }),
		targetType: reportTarget('target_type').notNull(),
		/** The message, user or space reported. */
		targetId: uuid('target_id').notNull(),
		/** The space it happened in (for a user report, where it was made from, if anywhere). */
		spaceId: uuid('space_id').references(() => spaces.id, { onDelete: 'set null' }),
		/** The person reported (a message's author, the user, or null for a space). */
		subjectId: uuid('subject_id').references(() => users.id, { onDelete: 'set null' }),
		reason: text('reason').notNull(),
		details: text('details').notNull().default(''),
		/** A minor reported an adult: their sending in the minor's spaces was paused at once. */
		urgent: boolean('urgent').notNull().default(false),
		status: reportStatus('status').notNull().default('open'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		resolvedAt: timestamp('resolved_at', { withTimezone: true }),
		resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
		resolution: text('resolution')
	},
	(t) => [index('reports_open_idx').on(t.createdAt).where(sql`${t.status} = 'open'`), index('reports_subject_idx').on(t.subjectId)]
);

/**
 * Who may not send in a space, until when (null: until a moderator lifts it). Mutes by moderators, and the
 * pause that follows a minor's report on an adult.
 */
export const spaceMutes = pgTable(
	'space_mutes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		until: timestamp('until', { withTimezone: true }),
		reason: text('reason').notNull(),
		reportId: uuid('report_id').references(() => reports.id, { onDelete: 'set null' }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		liftedAt: timestamp('lifted_at', { withTimezone: true }),
		liftedBy: uuid('lifted_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [index('space_mutes_space_user_idx').on(t.spaceId, t.userId)]
);

/**
 * `superseded`: a held edit whose author edited the message again before a moderator approved it (never applied).
 * `blocked`: refused outright by the pipeline in a space that has or had a minor; kept for review, nothing to decide.
 */
export const reviewStatus = pgEnum('review_status', ['held', 'approved', 'rejected', 'superseded', 'blocked']);

/**
 * Texts the moderation pipeline held for review (chat messages, and text written into documents and canvases).
 * A held chat message is stored in chat_messages with `held` set and reaches no one but its author until approved.
 * In a space that has or had a minor, a text the pipeline blocked is kept here too (status `blocked`), and nowhere else.
 */
export const moderationQueue = pgTable(
	'moderation_queue',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').notNull(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		/** The chat message (kind 'chat'), or the document (kind 'doc'). */
		targetId: uuid('target_id').notNull(),
		authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
		/** The text as written (for documents, the text that was flagged). */
		text: text('text').notNull(),
		/** For documents: where the text was taken from, so that approving puts it back (server/docs/moderation.ts TextPlace). */
		place: jsonb('place'),
		lang: text('lang').notNull(),
		/** Which hook held it, and why (a code such as `contact_details`, never the matched text). */
		hook: text('hook').notNull(),
		reason: text('reason').notNull(),
		status: reviewStatus('status').notNull().default('held'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
		reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [index('moderation_queue_held_idx').on(t.createdAt).where(sql`${t.status} = 'held'`), index('moderation_queue_target_idx').on(t.targetId)]
);

/** Feedback to the program's moderators with no author recorded at all. */
export const anonymousFeedback = pgTable('anonymous_feedback', {
	id: uuid('id').primaryKey().defaultRandom(),
	text: text('text').notNull(),
	lang: text('lang').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	readAt: timestamp('read_at', { withTimezone: true })
});
