import { z } from 'zod';
import { languageTag } from '../accounts/validation';
import { cleanText } from '../text';
import {
	CREDIT_STYLES,
	EXHIBITION_INTRO_MAX,
	EXHIBITION_TITLE_MAX,
	EXHIBITION_WORKS_MAX,
	WORK_ALT_MAX,
	WORK_STATEMENT_MAX,
	WORK_TITLE_MAX
} from '../../src/lib/protocol/exhibitions';

export const workId = z.uuid({ error: 'not_found' });

/** A member's proposal: title, statement and alt text are what visitors read, so none may be empty. */
export const proposeWorkInput = z.strictObject({
	versionId: z.uuid({ error: 'exhibitions_version_invalid' }).optional(),
	title: cleanText({ min: 1, max: WORK_TITLE_MAX, code: 'exhibitions_title_invalid' }),
	statement: cleanText({ min: 1, max: WORK_STATEMENT_MAX, code: 'exhibitions_statement_invalid', multiline: true }),
	altText: cleanText({ min: 1, max: WORK_ALT_MAX, code: 'exhibitions_alt_invalid', multiline: true }),
	lang: languageTag
});

const credit = z.enum(CREDIT_STYLES, { error: 'exhibitions_credit_invalid' });

export const workConsentInput = z.strictObject({
	decision: z.enum(['granted', 'declined', 'withdrawn'], { error: 'exhibitions_decision_invalid' }),
	credit,
	showCountry: z.boolean({ error: 'exhibitions_credit_invalid' })
});

export const guardianWorkInput = workConsentInput;

export const workReviewInput = z.strictObject({
	decision: z.enum(['approve', 'reject'], { error: 'exhibitions_decision_invalid' }),
	note: cleanText({ max: 1000, code: 'exhibitions_note_invalid', multiline: true }).optional()
});

export const exhibitionInput = z.strictObject({
	title: cleanText({ min: 1, max: EXHIBITION_TITLE_MAX, code: 'exhibitions_title_invalid' }),
	introduction: cleanText({ min: 1, max: EXHIBITION_INTRO_MAX, code: 'exhibitions_intro_invalid', multiline: true }),
	lang: languageTag
});

export const exhibitionWorksInput = z.strictObject({
	workIds: z.array(workId, { error: 'exhibitions_works_invalid' }).max(EXHIBITION_WORKS_MAX, { error: 'exhibitions_too_many_works' })
});

const day = z.iso.date({ error: 'exhibitions_date_invalid' });
export const archiveQuery = z.strictObject({
	q: z.string().trim().max(200, { error: 'exhibitions_query_invalid' }).optional(),
	lang: z.string().trim().max(35).regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'exhibitions_lang_invalid' }).optional(),
	kind: z.enum(['text', 'canvas'], { error: 'exhibitions_kind_invalid' }).optional(),
	from: day.optional(),
	to: day.optional()
});
export const exhibitionId = z.uuid({ error: 'not_found' });
