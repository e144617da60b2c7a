import { z } from 'zod';
import { DOCUMENT_KINDS, DOCUMENT_TITLE_MAX, VERSION_NAME_MAX } from '../../src/lib/protocol/docs';
import { cleanText } from '../text';

export const createDocumentInput = z.object({
	title: cleanText({ min: 1, max: DOCUMENT_TITLE_MAX, code: 'title_invalid' }),
	kind: z.enum(DOCUMENT_KINDS, { error: 'kind_invalid' })
});

export const saveVersionInput = z.object({
	name: cleanText({ min: 1, max: VERSION_NAME_MAX, code: 'title_invalid' }),
	/** Marks a version a client saves on its own, e.g. before a restore; listed as automatic. */
	auto: z.boolean({ error: 'invalid_value' }).default(false)
});

export const documentId = z.uuid({ error: 'not_found' });
