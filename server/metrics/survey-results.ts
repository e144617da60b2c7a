import type { EvaluationFilter, PairedChange, SurveyResults } from '../../src/lib/protocol/evaluation';
import { MIN_CELL_PEOPLE } from '../../src/lib/protocol/evaluation';
import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import type { Localized } from '../db/schema';
import { pick } from '../surveys';
import type { Translator } from '../translate';
import type { PersonFact } from './facts';
import { pairedTTest, wilcoxonSignedRank } from './stats';
import { cell, peopleCell, suppressPartition } from './suppress';

type Phase = 'pre' | 'post' | 'other';
const PHASES: Phase[] = ['pre', 'post', 'other'];

export interface AnswerFact {
	surveyId: string;
	questionId: string;
	userId: string;
	phase: Phase;
	value: number | null;
	text: string | null;
	lang: string;
}

export interface QuestionFact {
	id: string;
	surveyId: string;
	kind: 'likert' | 'choice' | 'text';
	prompt: string;
	choices: string[];
}

/** Answers per option, for each phase that has answers; withheld below five people as a partition. */
export function distribution(question: QuestionFact, answers: AnswerFact[]) {
	const options = question.kind === 'likert' ? [1, 2, 3, 4, 5] : question.choices.map((_, i) => i);
	return PHASES.flatMap((phase) => {
		const inPhase = answers.filter((a) => a.phase === phase && a.value !== null);
		if (inPhase.length === 0) return [];
		const counts = suppressPartition(options.map((o) => ({ key: String(o), count: inPhase.filter((a) => a.value === o).length })));
		return [{ phase, respondents: peopleCell(new Set(inPhase.map((a) => a.userId)).size), counts: counts.map((c) => c.count) }];
	});
}

/**
 * The paired pre→post change of a Likert question: post − pre per person who answered both, its mean with a 95%
 * confidence interval and p from the paired t-test, and the Wilcoxon signed-rank p as a check that does not assume
 * normal differences. Withheld below five people.
 */
export function pairedChange(question: QuestionFact, answers: AnswerFact[]): PairedChange {
	const pre = new Map(answers.filter((a) => a.phase === 'pre' && a.value !== null).map((a) => [a.userId, a.value!]));
	const both = answers.filter((a) => a.phase === 'post' && a.value !== null && pre.has(a.userId));
	const empty = { questionId: question.id, prompt: question.prompt, pairs: peopleCell(both.length), meanChange: null, ciLow: null, ciHigh: null, pT: null, pWilcoxon: null };
	if (both.length < MIN_CELL_PEOPLE) return empty;
	const before = both.map((a) => pre.get(a.userId)!);
	const after = both.map((a) => a.value!);
	const t = pairedTTest(before, after);
	const w = wilcoxonSignedRank(before, after);
	return { ...empty, meanChange: cell(t!.meanDiff, both.length), ciLow: t!.ciLow, ciHigh: t!.ciHigh, pT: t!.p, pWilcoxon: w?.p ?? null };
}

/** Every open or closed survey's results among the consenting people of the filter, in the lead's language. */
export async function surveyResults({ db, translator, filter, people, locale }: { db: Db; translator: Translator; filter: EvaluationFilter; people: PersonFact[]; locale: string }): Promise<SurveyResults[]> {
	const query = rawQuery(db);
	const counted = new Set(people.filter((p) => p.consented).map((p) => p.id));
	const surveys = await query<{ id: string; title: Localized; source_lang: string; phases: Phase[] }>(
		`select s.id, s.title, s.source_lang, array(select p.phase::text from survey_points p where p.survey_id = s.id) as phases
		 from surveys s where s.status <> 'draft' order by s.opened_at`,
		[]
	);
	if (surveys.length === 0) return [];
	const questions = await query<{ id: string; survey_id: string; kind: QuestionFact['kind']; prompt: Localized; choices: Localized[] }>(
		`select id, survey_id, kind, prompt, choices from survey_questions where survey_id = any($1::uuid[]) order by survey_id, position`,
		[surveys.map((s) => s.id)]
	);
	const answers = (
		await query<{ survey_id: string; question_id: string; user_id: string; phase: Phase; value: number | null; text: string | null; lang: string }>(
			`select r.survey_id, a.question_id, r.user_id, p.phase, a.value, a.text, r.lang
			 from survey_responses r join survey_points p on p.id = r.point_id join survey_answers a on a.response_id = r.id
			 where r.submitted_at < ((($2::date) + 1)::timestamp at time zone $1::text)`,
			[filter.timeZone, filter.to]
		)
	)
		.filter((a) => counted.has(a.user_id))
		.map<AnswerFact>((a) => ({ surveyId: a.survey_id, questionId: a.question_id, userId: a.user_id, phase: a.phase, value: a.value, text: a.text, lang: a.lang }));

	const results: SurveyResults[] = [];
	for (const survey of surveys) {
		const qs: QuestionFact[] = questions
			.filter((q) => q.survey_id === survey.id)
			.map((q) => ({ id: q.id, surveyId: survey.id, kind: q.kind, prompt: pick(q.prompt, locale, survey.source_lang), choices: q.choices.map((c) => pick(c, locale, survey.source_lang)) }));
		const rows = [];
		for (const q of qs) {
			const mine = answers.filter((a) => a.questionId === q.id);
			rows.push({
				questionId: q.id,
				kind: q.kind,
				prompt: q.prompt,
				choices: q.choices,
				phases: q.kind === 'text' ? PHASES.flatMap((phase) => (mine.some((a) => a.phase === phase) ? [{ phase, respondents: peopleCell(mine.filter((a) => a.phase === phase).length), counts: [] }] : [])) : distribution(q, mine),
				texts: q.kind === 'text' ? await freeTexts(translator, mine, locale) : null
			});
		}
		results.push({
			surveyId: survey.id,
			title: pick(survey.title, locale, survey.source_lang),
			questions: rows,
			// Change is measured only where the survey is asked before and after.
			changes: survey.phases.includes('pre') && survey.phases.includes('post') ? qs.filter((q) => q.kind === 'likert').map((q) => pairedChange(q, answers.filter((a) => a.questionId === q.id))) : []
		});
	}
	return results;
}

/**
 * Free-text answers with nobody's name, in the lead's language (the original kept beside it), sorted by text so
 * their order says nothing about who answered when; none unless at least five people answered.
 */
async function freeTexts(translator: Translator, answers: AnswerFact[], locale: string) {
	const texts = answers.filter((a) => a.text !== null);
	if (new Set(texts.map((a) => a.userId)).size < MIN_CELL_PEOPLE) return null;
	const out: { text: string; original: string; lang: string }[] = [];
	const byLang = new Map<string, string[]>();
	for (const a of texts) byLang.set(a.lang, [...(byLang.get(a.lang) ?? []), a.text!]);
	await Promise.all(
		[...byLang].map(async ([lang, originals]) => {
			let translated = originals;
			try {
				translated = (await translator.translate({ texts: originals, source: lang, target: locale })).texts;
			} catch {
				// The translator is away: the lead reads the originals, marked with their language.
			}
			originals.forEach((original, i) => out.push({ text: translated[i] ?? original, original, lang }));
		})
	);
	return out.sort((a, b) => a.original.localeCompare(b.original));
}
