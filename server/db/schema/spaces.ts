import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

export const spaceKind = pgEnum('space_kind', ['pair', 'collective']);
export const spaceRole = pgEnum('space_role', ['owner', 'member', 'observer', 'supervisor']);

export const spaces = pgTable('spaces', {
	id: uuid('id').primaryKey().defaultRandom(),
	title: text('title').notNull(),
	kind: spaceKind('kind').notNull(),
	createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	/** Set when the last member left; content is kept, never silently dropped. */
	archivedAt: timestamp('archived_at', { withTimezone: true }),
	/** A moderator locked the space: everyone reads, nobody writes, until it is unlocked. */
	lockedAt: timestamp('locked_at', { withTimezone: true }),
	lockedBy: uuid('locked_by').references(() => users.id, { onDelete: 'set null' }),
	/**
	 * A minor has been a member at some point (set by a trigger when one joins, and when a policy change makes a
	 * member a minor; never cleared). Retention keeps the space's content for review on this, not on who is a
	 * minor now, so a space does not lose its protection when its minor leaves or turns 18.
	 */
	hadMinor: boolean('had_minor').notNull().default(false)
});

export const spaceMembers = pgTable(
	'space_members',
	{
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: spaceRole('role').notNull(),
		joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.spaceId, t.userId] }), index('space_members_user_idx').on(t.userId)]
);

/** Invite links. Only the SHA-256 of the code is stored, so a database leak does not leak working links. */
export const spaceInvites = pgTable(
	'space_invites',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id, { onDelete: 'cascade' }),
		codeHash: text('code_hash').notNull(),
		role: spaceRole('role').notNull().default('member'),
		/** null = any number of uses until expiry. */
		maxUses: integer('max_uses'),
		uses: integer('uses').notNull().default(0),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('space_invites_code_key').on(t.codeHash)]
);
