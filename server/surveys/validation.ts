import { z } from 'zod';
import { cleanText } from '../text';

export const MAX_QUESTIONS = 20;
export const MAX_CHOICES = 8;
export const MAX_ANSWER = 2_000;

const tag = z.string({ error: 'survey_language_invalid' }).regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'survey_language_invalid' });
const short = cleanText({ min: 1, max: 300, code: 'survey_text_invalid' });
/** A text in one or more languages; the survey's source language must be among them (checked below). */
const localized = z.record(tag, short, { error: 'survey_text_invalid' }).refine((r) => Object.keys(r).length > 0 && Object.keys(r).length <= 12, { error: 'survey_text_invalid' });

const question = z.discriminatedUnion(
	'kind',
	[
		z.strictObject({ kind: z.literal('likert'), prompt: localized }),
		z.strictObject({ kind: z.literal('text'), prompt: localized }),
		z.strictObject({ kind: z.literal('choice'), prompt: localized, choices: z.array(localized, { error: 'survey_choices_invalid' }).min(2, { error: 'survey_choices_invalid' }).max(MAX_CHOICES, { error: 'survey_choices_invalid' }) })
	],
	{ error: 'survey_question_invalid' }
);

const point = z
	.strictObject({
		phase: z.enum(['pre', 'post', 'other'], { error: 'survey_point_invalid' }),
		trigger: z.enum(['activation', 'completion', 'date'], { error: 'survey_point_invalid' }),
		opensOn: z.iso.date({ error: 'survey_point_invalid' }).optional()
	})
	.refine((p) => (p.trigger === 'date') === (p.opensOn !== undefined), { error: 'survey_point_invalid' })
	// "Before" cannot be asked at the end, nor "after" at the start: the pairing of pre and post answers relies on it.
	.refine((p) => !(p.phase === 'pre' && p.trigger === 'completion') && !(p.phase === 'post' && p.trigger === 'activation'), { error: 'survey_point_invalid' });

/** `POST /api/v1/surveys`: a draft survey. */
export const surveyInput = z
	.strictObject({
		title: localized,
		sourceLang: tag,
		questions: z.array(question, { error: 'survey_question_invalid' }).min(1, { error: 'survey_question_invalid' }).max(MAX_QUESTIONS, { error: 'survey_question_invalid' }),
		points: z.array(point, { error: 'survey_point_invalid' }).min(1, { error: 'survey_point_invalid' }).max(3, { error: 'survey_point_invalid' })
	})
	.refine((s) => new Set(s.points.map((p) => p.phase)).size === s.points.length, { error: 'survey_point_invalid', path: ['points'] })
	.refine((s) => [s.title, ...s.questions.flatMap((q) => [q.prompt, ...(q.kind === 'choice' ? q.choices : [])])].every((t) => s.sourceLang in t), {
		error: 'survey_source_missing',
		path: ['sourceLang']
	});
export type SurveyInput = z.infer<typeof surveyInput>;

/** `POST /api/v1/me/surveys/:pointId`: answers by question id; questions left out are skipped. */
export const answersInput = z.strictObject({
	lang: tag,
	answers: z
		.record(z.uuid({ error: 'survey_answer_invalid' }), z.union([z.number().int(), cleanText({ min: 1, max: MAX_ANSWER, code: 'survey_answer_invalid', multiline: true })]), { error: 'survey_answer_invalid' })
		.refine((a) => Object.keys(a).length > 0, { error: 'survey_answer_empty' })
});
export type AnswersInput = z.infer<typeof answersInput>;

/** A survey's or a point's id in a path; anything else is simply not found. */
export const surveyRef = z.uuid({ error: 'not_found' });
