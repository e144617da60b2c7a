import { sql } from 'drizzle-orm';
import { check, date, index, jsonb, pgEnum, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { mentorships } from './matching';

/** A text in several languages: BCP 47 tag → text. The survey's own language is always present. */
export type Localized = Record<string, string>;

export const surveyStatus = pgEnum('survey_status', ['draft', 'open', 'closed']);
export const surveyQuestionKind = pgEnum('survey_question_kind', ['likert', 'choice', 'text']);
/** When a survey is put to a participant: at a mentorship's activation, at its completion, or from a date. */
export const surveyTrigger = pgEnum('survey_trigger', ['activation', 'completion', 'date']);
/** `pre` and `post` answers of one person are paired to measure change; `other` stands alone. */
export const surveyPhase = pgEnum('survey_phase', ['pre', 'post', 'other']);

/**
 * A short survey defined by a program lead. Its questions are fixed once it opens, so every answer refers to the
 * question as it was asked.
 */
export const surveys = pgTable('surveys', {
	id: uuid('id').primaryKey().defaultRandom(),
	title: jsonb('title').$type<Localized>().notNull(),
	/** The language the lead wrote it in; the fallback for a participant whose language has no text. */
	sourceLang: text('source_lang').notNull(),
	status: surveyStatus('status').notNull().default('draft'),
	openedAt: timestamp('opened_at', { withTimezone: true }),
	closedAt: timestamp('closed_at', { withTimezone: true }),
	createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export const surveyQuestions = pgTable(
	'survey_questions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => surveys.id, { onDelete: 'cascade' }),
		position: smallint('position').notNull(),
		kind: surveyQuestionKind('kind').notNull(),
		prompt: jsonb('prompt').$type<Localized>().notNull(),
		/** Single choice: the options in order (an answer stores the option's index). Empty for other kinds. */
		choices: jsonb('choices').$type<Localized[]>().notNull().default([])
	},
	(t) => [uniqueIndex('survey_questions_position_key').on(t.surveyId, t.position)]
);

/** The moments a survey is put to participants. A survey has at most one point per phase. */
export const surveyPoints = pgTable(
	'survey_points',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => surveys.id, { onDelete: 'cascade' }),
		phase: surveyPhase('phase').notNull(),
		trigger: surveyTrigger('trigger').notNull(),
		/** For `date`: the day it opens (program-wide). */
		opensOn: date('opens_on')
	},
	(t) => [
		uniqueIndex('survey_points_phase_key').on(t.surveyId, t.phase),
		check('survey_points_date', sql`(${t.trigger} = 'date') = (${t.opensOn} is not null)`)
	]
);

/** One person's answers at one point. A person answers each point once. */
export const surveyResponses = pgTable(
	'survey_responses',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		surveyId: uuid('survey_id')
			.notNull()
			.references(() => surveys.id, { onDelete: 'cascade' }),
		pointId: uuid('point_id')
			.notNull()
			.references(() => surveyPoints.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The mentorship whose activation or completion put the point to them. */
		mentorshipId: uuid('mentorship_id').references(() => mentorships.id, { onDelete: 'set null' }),
		/** The language the person answered in (free texts are in it). */
		lang: text('lang').notNull(),
		submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('survey_responses_point_user_key').on(t.pointId, t.userId), index('survey_responses_survey_idx').on(t.surveyId)]
);

export const surveyAnswers = pgTable(
	'survey_answers',
	{
		responseId: uuid('response_id')
			.notNull()
			.references(() => surveyResponses.id, { onDelete: 'cascade' }),
		questionId: uuid('question_id')
			.notNull()
			.references(() => surveyQuestions.id, { onDelete: 'cascade' }),
		/** Likert 1–5, or the index of the chosen option. */
		value: smallint('value'),
		text: text('text')
	},
	(t) => [primaryKey({ columns: [t.responseId, t.questionId] }), check('survey_answers_one', sql`(${t.value} is null) <> (${t.text} is null)`)]
);
