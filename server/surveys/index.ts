import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { isUniqueViolation } from '../db';
import { rawQuery } from '../db/raw';
import { auditLog, surveyAnswers, surveyPoints, surveyQuestions, surveyResponses, surveys, type Localized } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { peopleCell } from '../metrics/suppress';
import type { AnswersInput, SurveyInput } from './validation';

/** The text of `t` in `lang` (or its base language), else in the survey's source language. */
export function pick(t: Localized, lang: string, sourceLang: string): string {
	return t[lang] ?? t[lang.split('-')[0]!] ?? t[sourceLang] ?? Object.values(t)[0] ?? '';
}

export interface SurveyForParticipant {
	pointId: string;
	surveyId: string;
	phase: 'pre' | 'post' | 'other';
	title: string;
	questions: { id: string; kind: 'likert' | 'choice' | 'text'; prompt: string; choices: string[] }[];
}

/**
 * Surveys: program leads define them (a draft until opened; questions fixed from then on) and schedule them at a
 * mentorship's activation (`pre`), at its completion (`post`) or from a date. A participant who consented to
 * evaluation use is asked each point that applies to them once, in their UI language.
 */
export function createSurveys({ db, logger }: { db: Db; logger: Logger }) {
	const log = logger.child({ ns: 'surveys' });
	const query = rawQuery(db);

	/** The open points waiting for this person: a date point from its day, an activation or completion point once a mentorship of theirs reached it after the survey opened. */
	async function applicable(userId: string) {
		const rows = await query<{ point_id: string; survey_id: string; phase: 'pre' | 'post' | 'other'; trigger: string; opens_on: string | null; opened_here: boolean | null; mentorship_id: string | null }>(
			`select p.id as point_id, s.id as survey_id, p.phase, p.trigger, to_char(p.opens_on, 'YYYY-MM-DD') as opens_on,
			   p.opens_on <= (now() at time zone coalesce(pr.timezone, 'UTC'))::date as opened_here, (
			   select m.id from mentorships m
			   where (m.mentee_id = u.id or m.mentor_id = u.id)
			     and ((p.trigger = 'activation' and m.activated_at >= s.opened_at)
			       or (p.trigger = 'completion' and m.status = 'completed' and m.ended_at >= s.opened_at))
			   order by m.activated_at limit 1) as mentorship_id
			 from users u
			 left join profiles pr on pr.user_id = u.id
			 join surveys s on s.status = 'open'
			 join survey_points p on p.survey_id = s.id
			 where u.id = $1 and u.role in ('mentee', 'mentor') and u.status = 'active' and u.deleted_at is null
			   and exists (select 1 from consents c where c.user_id = u.id and c.purpose = 'evaluation' and c.revoked_at is null)
			   and not exists (select 1 from survey_responses r where r.point_id = p.id and r.user_id = u.id)
			 order by s.opened_at, p.phase`,
			[userId]
		);
		// A date point opens on that day where the person lives.
		return rows.filter((r) => (r.trigger === 'date' ? r.opened_here === true : r.mentorship_id !== null));
	}

	async function questionsOf(surveyId: string) {
		return db.select().from(surveyQuestions).where(eq(surveyQuestions.surveyId, surveyId)).orderBy(asc(surveyQuestions.position));
	}

	return {
		async create({ actorId, input }: { actorId: string; input: SurveyInput }): Promise<{ id: string }> {
			const id = await db.transaction(async (tx) => {
				const [survey] = await tx.insert(surveys).values({ title: input.title, sourceLang: input.sourceLang, createdBy: actorId }).returning({ id: surveys.id });
				await tx.insert(surveyQuestions).values(
					input.questions.map((q, position) => ({ surveyId: survey!.id, position, kind: q.kind, prompt: q.prompt, choices: q.kind === 'choice' ? q.choices : [] }))
				);
				await tx.insert(surveyPoints).values(input.points.map((p) => ({ surveyId: survey!.id, phase: p.phase, trigger: p.trigger, opensOn: p.opensOn ?? null })));
				await tx.insert(auditLog).values({ actorId, action: 'survey.create', targetType: 'survey', targetId: survey!.id, detail: null });
				return survey!.id;
			});
			log.info({ surveyId: id, questions: input.questions.length }, 'survey created');
			return { id };
		},

		/** Opens a draft (its questions are fixed from now on) or closes an open survey. Audited. */
		async setStatus({ actorId, surveyId, status }: { actorId: string; surveyId: string; status: 'open' | 'closed' }): Promise<void> {
			const from = status === 'open' ? 'draft' : 'open';
			const now = new Date();
			await db.transaction(async (tx) => {
				const changed = await tx
					.update(surveys)
					.set(status === 'open' ? { status, openedAt: now, updatedAt: now } : { status, closedAt: now, updatedAt: now })
					.where(and(eq(surveys.id, surveyId), eq(surveys.status, from)))
					.returning({ id: surveys.id });
				if (changed.length === 0) {
					const [exists] = await tx.select({ status: surveys.status }).from(surveys).where(eq(surveys.id, surveyId));
					if (!exists) throw notFound();
					throw new AppError(409, 'survey_status_conflict');
				}
				await tx.insert(auditLog).values({ actorId, action: `survey.${status}`, targetType: 'survey', targetId: surveyId, detail: null });
			});
		},

		/** Every survey, newest first, with how many answered each, for program leads. */
		async list({ locale }: { locale: string }) {
			const rows = await db
				.select({
					id: surveys.id,
					title: surveys.title,
					sourceLang: surveys.sourceLang,
					status: surveys.status,
					openedAt: surveys.openedAt,
					createdAt: surveys.createdAt,
					// Qualified by hand: drizzle writes a lone column of a one-table select unqualified ("id"), which inside
					// this subquery would name survey_responses.id and count nothing.
					// People who answered and still consent; shown, like every figure about people, only from five on.
					respondents: sql<number>`(select count(distinct r.user_id)::int from survey_responses r
						where r.survey_id = "surveys"."id"
						  and exists (select 1 from consents c where c.user_id = r.user_id and c.purpose = 'evaluation' and c.revoked_at is null))`
				})
				.from(surveys)
				.orderBy(desc(surveys.createdAt));
			return rows.map(({ respondents, ...s }) => ({ ...s, title: pick(s.title, locale, s.sourceLang), responses: peopleCell(respondents) }));
		},

		async get({ surveyId }: { surveyId: string }) {
			const [survey] = await db.select().from(surveys).where(eq(surveys.id, surveyId));
			if (!survey) throw notFound();
			const points = await db.select().from(surveyPoints).where(eq(surveyPoints.surveyId, surveyId));
			return { ...survey, questions: await questionsOf(surveyId), points };
		},

		/** The surveys waiting for this person, in their language. */
		async pending({ userId, locale }: { userId: string; locale: string }): Promise<SurveyForParticipant[]> {
			const out: SurveyForParticipant[] = [];
			for (const point of await applicable(userId)) {
				const [survey] = await db.select().from(surveys).where(eq(surveys.id, point.survey_id));
				const questions = await questionsOf(point.survey_id);
				out.push({
					pointId: point.point_id,
					surveyId: point.survey_id,
					phase: point.phase,
					title: pick(survey!.title, locale, survey!.sourceLang),
					questions: questions.map((q) => ({ id: q.id, kind: q.kind, prompt: pick(q.prompt, locale, survey!.sourceLang), choices: q.choices.map((c) => pick(c, locale, survey!.sourceLang)) }))
				});
			}
			return out;
		},

		/**
		 * Why a point is or is not waiting for this person, so their page can say so: `unknown` for a point that does
		 * not exist (or a survey still a draft), `answered`, `no_consent` (no evaluation consent), `not_pending`.
		 */
		async standing({ userId, pointId }: { userId: string; pointId: string }): Promise<'pending' | 'answered' | 'no_consent' | 'not_pending' | 'unknown'> {
			const [point] = await db
				.select({ status: surveys.status })
				.from(surveyPoints)
				.innerJoin(surveys, eq(surveys.id, surveyPoints.surveyId))
				.where(eq(surveyPoints.id, pointId));
			if (!point || point.status === 'draft') return 'unknown';
			const [answered] = await db.select({ id: surveyResponses.id }).from(surveyResponses).where(and(eq(surveyResponses.pointId, pointId), eq(surveyResponses.userId, userId)));
			if (answered) return 'answered';
			if ((await applicable(userId)).some((p) => p.point_id === pointId)) return 'pending';
			const consent = await query<{ ok: number }>(`select 1 as ok from consents where user_id = $1 and purpose = 'evaluation' and revoked_at is null limit 1`, [userId]);
			return consent.length === 0 ? 'no_consent' : 'not_pending';
		},

		/**
		 * Stores one person's answers to a point that is waiting for them. Every answer is checked against its
		 * question (Likert 1–5, an option's index, a text); nothing is stored unless all are right.
		 */
		async answer({ userId, pointId, input }: { userId: string; pointId: string; input: AnswersInput }): Promise<{ id: string }> {
			const point = (await applicable(userId)).find((p) => p.point_id === pointId);
			if (!point) {
				const [answered] = await db.select({ id: surveyResponses.id }).from(surveyResponses).where(and(eq(surveyResponses.pointId, pointId), eq(surveyResponses.userId, userId)));
				throw answered ? new AppError(409, 'survey_answered') : notFound();
			}
			const questions = new Map((await questionsOf(point.survey_id)).map((q) => [q.id, q]));
			const fields: Record<string, 'survey_answer_invalid'> = {};
			for (const [questionId, value] of Object.entries(input.answers)) {
				const q = questions.get(questionId);
				const ok =
					q !== undefined &&
					(q.kind === 'text' ? typeof value === 'string' : typeof value === 'number' && value >= (q.kind === 'likert' ? 1 : 0) && value <= (q.kind === 'likert' ? 5 : q.choices.length - 1));
				if (!ok) fields[questionId] = 'survey_answer_invalid';
			}
			if (Object.keys(fields).length > 0) throw new AppError(400, 'survey_answer_invalid', { fields });
			try {
				const id = await db.transaction(async (tx) => {
					const [response] = await tx
						.insert(surveyResponses)
						.values({ surveyId: point.survey_id, pointId, userId, mentorshipId: point.mentorship_id, lang: input.lang })
						.returning({ id: surveyResponses.id });
					await tx.insert(surveyAnswers).values(
						Object.entries(input.answers).map(([questionId, value]) => ({ responseId: response!.id, questionId, value: typeof value === 'number' ? value : null, text: typeof value === 'string' ? value : null }))
					);
					return response!.id;
				});
				return { id };
			} catch (e) {
				if (isUniqueViolation(e)) throw new AppError(409, 'survey_answered');
				throw e;
			}
		}
	};
}

export type Surveys = ReturnType<typeof createSurveys>;
