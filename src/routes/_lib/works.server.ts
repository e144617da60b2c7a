import { z } from 'zod';
import { cleanText } from '$server/text';
import { CREDIT_STYLES, EXHIBITION_INTRO_MAX, EXHIBITION_TITLE_MAX, WORK_ALT_MAX, WORK_STATEMENT_MAX, WORK_TITLE_MAX, type WorkSummary } from '$lib/protocol/exhibitions';
import { formatDate, formatDateTime } from './options.server';

/** A work as the workflow pages show it: the summary plus its dates already written out for the reader. */
export interface WorkRow extends WorkSummary {
	proposedText: string;
	reviewedText: string | null;
	withdrawnText: string | null;
	/** The name of the language its texts are written in, in the reader's language. */
	langName: string;
}

/** Dates in the reader's language and time zone (a guardian has no profile: UTC is near enough for a day). */
export function workRow(work: WorkSummary, { locale, timeZone }: { locale: string; timeZone: string }): WorkRow {
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone });
	return {
		...work,
		proposedText: when(work.proposedAt),
		reviewedText: work.reviewedAt ? when(work.reviewedAt) : null,
		withdrawnText: work.withdrawnAt ? formatDate(work.withdrawnAt, { locale, timeZone }) : null,
		langName: languageName(work.lang, locale)
	};
}

export function languageName(tag: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

const lang = z.string({ error: 'exhibitions_lang_invalid' }).regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { error: 'exhibitions_lang_invalid' });

/** The "propose for an exhibition" form; an empty version means "as it is now". */
export const proposeForm = z.object({
	versionId: z.union([z.literal('').transform(() => undefined), z.uuid({ error: 'exhibitions_version_invalid' })]).optional(),
	title: cleanText({ min: 1, max: WORK_TITLE_MAX, code: 'exhibitions_title_invalid' }),
	statement: cleanText({ min: 1, max: WORK_STATEMENT_MAX, code: 'exhibitions_statement_invalid', multiline: true }),
	altText: cleanText({ min: 1, max: WORK_ALT_MAX, code: 'exhibitions_alt_invalid', multiline: true }),
	lang
});

/** How a contributor (or a guardian, as a cap) answers: a decision, a credit style, and whether to show the country. */
export const consentForm = z.object({
	work: z.uuid({ error: 'not_found' }),
	decision: z.enum(['granted', 'declined', 'withdrawn'], { error: 'invalid_value' }),
	credit: z.enum(CREDIT_STYLES, { error: 'invalid_value' }),
	showCountry: z.literal('on').optional().transform((v) => v === 'on')
});

export const reviewForm = z.object({
	work: z.uuid({ error: 'not_found' }),
	decision: z.enum(['approve', 'reject'], { error: 'invalid_value' }),
	note: cleanText({ max: WORK_STATEMENT_MAX, code: 'invalid_value', multiline: true }).optional()
});

export const exhibitionForm = z.object({
	title: cleanText({ min: 1, max: EXHIBITION_TITLE_MAX, code: 'exhibitions_title_invalid' }),
	introduction: cleanText({ max: EXHIBITION_INTRO_MAX, code: 'exhibitions_intro_invalid', multiline: true }),
	lang
});

export const workRef = z.uuid({ error: 'not_found' });
