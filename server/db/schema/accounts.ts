import { sql } from 'drizzle-orm';
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['mentee', 'mentor', 'moderator', 'admin']);
/** `pending_consent`: signed up under the consent age; can sign in, but reaches no space until a guardian confirms. */
export const userStatus = pgEnum('user_status', ['active', 'suspended', 'pending_consent']);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Stored lower-cased and trimmed; unique. */
		email: text('email').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: userRole('role').notNull(),
		status: userStatus('status').notNull().default('active'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		suspendedAt: timestamp('suspended_at', { withTimezone: true }),
		/**
		 * The person deleted their account: personal data is gone, the account cannot sign in, and the row stays only
		 * as long as safeguarding records that point to it are kept (program_policy.retention_days).
		 */
		deletedAt: timestamp('deleted_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('users_email_key').on(t.email)]
);

/** Server-side sessions. `id` is the SHA-256 of the token; the token itself is never stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)]
);

export const auditLog = pgTable(
	'audit_log',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		targetType: text('target_type').notNull(),
		targetId: text('target_id').notNull(),
		detail: text('detail'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`)
	},
	(t) => [index('audit_log_target_idx').on(t.targetType, t.targetId)]
);
