import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ExplanationPart, MatchingSettings, ScoreBreakdown, Unmatched, WeeklySlot } from '../../matching/types';
import { users } from './accounts';
import { spaces } from './spaces';

/**
 * What matching knows about a person beyond their profile (country, time zone, languages, passions and gender are
 * read from `profiles`). A person without a row has the defaults: no availability, no goals, capacity 2.
 */
export const matchingProfiles = pgTable(
	'matching_profiles',
	{
		userId: uuid('user_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** Weekly availability in the person's own time zone (`profiles.timezone`). */
		availability: jsonb('availability').$type<WeeklySlot[]>().notNull().default([]),
		/** Goal tags from the program's list (GOALS). */
		goals: jsonb('goals').$type<string[]>().notNull().default([]),
		/** Mentors: how many mentees at once (live mentorships count against it). */
		capacity: smallint('capacity').notNull().default(2),
		/** Mentees: true only another country, false only their own, null no preference. */
		crossBorder: boolean('cross_border'),
		preferredMentorGender: text('preferred_mentor_gender'),
		/** Mentors: an admin recorded the background check for work with minors (audited). */
		vettedForMinorsAt: timestamp('vetted_for_minors_at', { withTimezone: true }),
		vettedBy: uuid('vetted_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('matching_profiles_capacity', sql`${t.capacity} between 0 and 10`)]
);

/**
 * What the program's rounds and self-match rank with, beyond the engine's defaults (one row, id 1, edited by admins,
 * every change audited): weights, minimum weekly overlap, the lowest usable shared level, weeks looked at, whether a
 * mentee's gender wish is a hard rule, and the balance rule. A round may still override any of them for one run.
 */
export const matchingSettings = pgTable(
	'matching_settings',
	{
		id: smallint('id').primaryKey().default(1),
		settings: jsonb('settings').$type<ProgramSettingsPatch>().notNull().default({}),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [check('matching_settings_singleton', sql`${t.id} = 1`)]
);

/** The program's changes to the engine's settings (no dates, no people): what `matching_settings` keeps. */
export type ProgramSettingsPatch = Partial<Omit<MatchingSettings, 'excludedPairs' | 'skipPairs' | 'horizonStart' | 'translatablePairs' | 'weights'>> & {
	weights?: Partial<MatchingSettings['weights']>;
};

export const matchingRoundStatus = pgEnum('matching_round_status', ['draft', 'published', 'discarded']);

/**
 * What a round left unmatched, with the engine's reason; `removed_by_admin` when an admin took the proposal away,
 * `no_longer_available` when the mentee or the mentor could no longer be proposed at publishing.
 */
export type RoundUnmatched = Omit<Unmatched, 'reason'> & { reason: Unmatched['reason'] | 'removed_by_admin' | 'no_longer_available' };

/**
 * A matching round of the program (one program per installation: the program_policy row). The engine's proposals
 * are stored as `draft` mentorships of the round until an admin publishes it.
 */
export const matchingRounds = pgTable(
	'matching_rounds',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		status: matchingRoundStatus('status').notNull().default('draft'),
		/** The settings the engine ran with, weights included (excluded pairs left out: they name people). */
		settings: jsonb('settings').$type<Omit<MatchingSettings, 'excludedPairs' | 'skipPairs'>>().notNull(),
		unmatched: jsonb('unmatched').$type<RoundUnmatched[]>().notNull().default([]),
		totalScore: doublePrecision('total_score').notNull().default(0),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		publishedBy: uuid('published_by').references(() => users.id, { onDelete: 'set null' }),
		publishedAt: timestamp('published_at', { withTimezone: true }),
		discardedAt: timestamp('discarded_at', { withTimezone: true })
	},
	(t) => [index('matching_rounds_created_idx').on(t.createdAt)]
);

export const mentorshipStatus = pgEnum('mentorship_status', ['draft', 'proposed', 'active', 'paused', 'completed', 'ended']);
export const mentorshipSource = pgEnum('mentorship_source', ['round', 'request', 'manual']);

/** A score as stored: the engine's breakdown and the weekly overlap it found. */
export type StoredScore = ScoreBreakdown & { overlapHoursPerWeek: number };

/**
 * A mentee and a mentor: proposed by a round (after it is published), asked for by the mentee (self-match), or made
 * by an admin's hand in a round. Active once the mentor, the mentee and, for a child whose guardian decides, the
 * guardian have said yes; activation creates the pair's space.
 */
export const mentorships = pgTable(
	'mentorships',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** null for a mentee's own request. */
		roundId: uuid('round_id').references(() => matchingRounds.id, { onDelete: 'set null' }),
		menteeId: uuid('mentee_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		mentorId: uuid('mentor_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		status: mentorshipStatus('status').notNull(),
		source: mentorshipSource('source').notNull(),
		score: jsonb('score').$type<StoredScore>(),
		explanation: jsonb('explanation').$type<ExplanationPart[]>().notNull().default([]),
		mentorAcceptedAt: timestamp('mentor_accepted_at', { withTimezone: true }),
		menteeAcceptedAt: timestamp('mentee_accepted_at', { withTimezone: true }),
		guardianApprovedAt: timestamp('guardian_approved_at', { withTimezone: true }),
		/** The mentee was under the consent age when proposed: their guardian must approve too. */
		guardianRequired: boolean('guardian_required').notNull().default(false),
		spaceId: uuid('space_id').references(() => spaces.id, { onDelete: 'set null' }),
		/** `declined`, `guardian_declined`, `report`, `program`, `safeguarding`, `other`, or `completed`. */
		endedReason: text('ended_reason'),
		endedBy: uuid('ended_by').references(() => users.id, { onDelete: 'set null' }),
		endedAt: timestamp('ended_at', { withTimezone: true }),
		proposedAt: timestamp('proposed_at', { withTimezone: true }),
		activatedAt: timestamp('activated_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		// A pair has at most one live mentorship, and a mentee one mentor at a time.
		uniqueIndex('mentorships_pair_live_key').on(t.menteeId, t.mentorId).where(sql`${t.status} in ('proposed', 'active', 'paused')`),
		uniqueIndex('mentorships_mentee_live_key').on(t.menteeId).where(sql`${t.status} in ('proposed', 'active', 'paused')`),
		index('mentorships_mentor_idx').on(t.mentorId),
		index('mentorships_round_idx').on(t.roundId),
		check('mentorships_not_self', sql`${t.menteeId} <> ${t.mentorId}`)
	]
);

/** A goal the pair keeps together. */
export const mentorshipGoals = pgTable(
	'mentorship_goals',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		mentorshipId: uuid('mentorship_id')
			.notNull()
			.references(() => mentorships.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		doneAt: timestamp('done_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('mentorship_goals_mentorship_idx').on(t.mentorshipId)]
);

/** A task of the pair's shared list. */
export const mentorshipTasks = pgTable(
	'mentorship_tasks',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		mentorshipId: uuid('mentorship_id')
			.notNull()
			.references(() => mentorships.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		/** One of the pair, or nobody in particular. */
		assignee: uuid('assignee').references(() => users.id, { onDelete: 'set null' }),
		due: date('due'),
		doneAt: timestamp('done_at', { withTimezone: true }),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('mentorship_tasks_mentorship_idx').on(t.mentorshipId)]
);

export const meetingStatus = pgEnum('meeting_status', ['proposed', 'accepted', 'declined', 'cancelled']);

/** A meeting one of the pair proposes and the other accepts or declines. */
export const mentorshipMeetings = pgTable(
	'mentorship_meetings',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		mentorshipId: uuid('mentorship_id')
			.notNull()
			.references(() => mentorships.id, { onDelete: 'cascade' }),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
		minutes: smallint('minutes').notNull(),
		note: text('note').notNull().default(''),
		proposedBy: uuid('proposed_by').references(() => users.id, { onDelete: 'set null' }),
		status: meetingStatus('status').notNull().default('proposed'),
		decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
		decidedAt: timestamp('decided_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('mentorship_meetings_mentorship_idx').on(t.mentorshipId, t.startsAt), check('mentorship_meetings_minutes', sql`${t.minutes} between 5 and 480`)]
);
