import { UI_LOCALES } from '$lib/i18n/locales';

/** Languages a lead may write a survey in: the UI languages and the program's other common ones. */
export const SOURCE_LANGUAGES = [...UI_LOCALES, 'pt-BR', 'sw'] as const;
/** Question rows the "new survey" form offers without JavaScript (empty rows are left out). */
export const BLANK_ROWS = 5;
export const MAX_ROWS = 20;
export const QUESTION_KINDS = ['likert', 'choice', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The UI languages a survey written in `source` may be translated into on the form. */
export function translationLanguages(source: string): string[] {
	return UI_LOCALES.filter((l) => l !== source && l !== source.split('-')[0]);
}

/** How many question rows to show for what was posted: the rows sent, at least one, at most 20. */
export function rowCount(values: Record<string, string>): number {
	const sent = Number(values.rows);
	return Math.min(MAX_ROWS, Math.max(Number.isInteger(sent) && sent > 0 ? sent : BLANK_ROWS, 1));
}
