import type { z } from 'zod';
import { surveyInput, type SurveyInput } from '$server/surveys/validation';
import { isErrorCode, type ErrorCode } from '$lib/protocol/codes';
import { QUESTION_KINDS, rowCount, SOURCE_LANGUAGES, translationLanguages, type QuestionKind } from '$lib/surveys/form-shape';

/** What the form alone can say is wrong, besides the schema's own codes. */
export type FormProblem = 'title_required' | 'prompt_required' | 'no_questions' | 'choices_count' | 'schedule_required' | 'date_required';
export type FieldProblem = FormProblem | ErrorCode;

const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const filled = (text: string | undefined) => (text ?? '').trim() !== '';

/**
 * Reads the "new survey" form into the JSON API's input, checked by the same schema. Field names:
 * `sourceLang`, `title`, `title.<lang>`, `rows`, `q.<i>.kind|prompt|choices` (choices one per line) and
 * `q.<i>.prompt.<lang>` / `q.<i>.choices.<lang>`, `when.pre|post|other` and `opensOn`. Errors are keyed by field name.
 */
export function readSurveyForm(values: Record<string, string>): { input: SurveyInput | null; errors: Record<string, FieldProblem> } {
	const errors: Record<string, FieldProblem> = {};
	const source = values.sourceLang ?? '';
	const others = translationLanguages(source);
	const localized = (field: string) => {
		const text: Record<string, string> = {};
		if (filled(values[field])) text[source] = values[field]!.trim();
		for (const lang of others) if (filled(values[`${field}.${lang}`])) text[lang] = values[`${field}.${lang}`]!.trim();
		return text;
	};

	if (!(SOURCE_LANGUAGES as readonly string[]).includes(source)) errors.sourceLang = 'survey_language_invalid';
	if (!filled(values.title)) errors.title = 'title_required';
	const title = localized('title');

	/** Which form row each question of the input came from, to put the schema's errors on the right row. */
	const rowOf: number[] = [];
	const questions: unknown[] = [];
	for (let i = 0; i < rowCount(values); i++) {
		const field = (name: string, lang?: string) => values[`q.${i}.${name}${lang ? `.${lang}` : ''}`];
		const used = [field('prompt'), field('choices'), ...others.flatMap((l) => [field('prompt', l), field('choices', l)])].some(filled);
		if (!used) continue;
		const kind = (QUESTION_KINDS as readonly string[]).includes(field('kind') ?? '') ? (field('kind') as QuestionKind) : 'likert';
		if (!filled(field('prompt'))) errors[`q.${i}.prompt`] = 'prompt_required';
		rowOf.push(i);
		const prompt = localized(`q.${i}.prompt`);
		if (kind !== 'choice') {
			questions.push({ kind, prompt });
			continue;
		}
		const options = lines(field('choices'));
		const translated = Object.fromEntries(others.map((l) => [l, lines(field('choices', l))]));
		for (const lang of others) {
			if (translated[lang]!.length > 0 && translated[lang]!.length !== options.length) errors[`q.${i}.choices.${lang}`] = 'choices_count';
		}
		const choices = options.map((text, n) => ({
			[source]: text,
			...Object.fromEntries(others.filter((l) => translated[l]![n]).map((l) => [l, translated[l]![n]!]))
		}));
		questions.push({ kind, prompt, choices });
	}
	if (questions.length === 0) errors['q.0.prompt'] = 'no_questions';

	const points: unknown[] = [];
	if (values['when.pre']) points.push({ phase: 'pre', trigger: 'activation' });
	if (values['when.post']) points.push({ phase: 'post', trigger: 'completion' });
	if (values['when.other']) {
		if (filled(values.opensOn)) points.push({ phase: 'other', trigger: 'date', opensOn: values.opensOn!.trim() });
		else errors.opensOn = 'date_required';
	}
	if (points.length === 0 && !errors.opensOn) errors.when = 'schedule_required';

	const parsed = surveyInput.safeParse({ title, sourceLang: source, questions, points });
	if (!parsed.success) {
		// A missing text or date the form already named also breaks the schema's rules on languages and points.
		const own = Object.keys(errors).length > 0;
		for (const [name, code] of Object.entries(fieldsOf(parsed.error, { source, rowOf }))) {
			if ((own && code === 'survey_source_missing') || (name === 'when' && errors.opensOn)) continue;
			errors[name] ??= code;
		}
	}
	return { input: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors };
}

/** The schema's issues keyed by the form field they are about. */
function fieldsOf(error: z.ZodError, { source, rowOf }: { source: string; rowOf: number[] }): Record<string, ErrorCode> {
	const fields: Record<string, ErrorCode> = {};
	const suffix = (lang: unknown) => (typeof lang === 'string' && lang !== source ? `.${lang}` : '');
	for (const issue of error.issues) {
		const [top, index, part, ...rest] = issue.path;
		let name: string;
		if (top === 'title') name = `title${suffix(index)}`;
		else if (top === 'questions' && typeof index === 'number') {
			const row = rowOf[index] ?? 0;
			name = part === 'choices' ? `q.${row}.choices${suffix(rest[1])}` : `q.${row}.prompt${part === 'prompt' ? suffix(rest[0]) : ''}`;
		} else if (top === 'questions') name = 'q.0.prompt';
		else if (top === 'points') name = 'when';
		else name = 'sourceLang';
		fields[name] ??= isErrorCode(issue.message) ? issue.message : 'invalid_value';
	}
	return fields;
}
