import { z } from 'zod';
import { CHAT_MAX_CLIENT_ID, CHAT_MAX_PAGE } from '../../src/lib/protocol/chat';
import { isErrorCode, type ErrorCode } from '../../src/lib/protocol/codes';
import { languageTag } from '../accounts/validation';

// The shapes of chat payloads. Text rules (empty, too long, control characters) are the chat service's, so every
// way into chat applies the same ones; here only types and ids.

const id = z.uuid();
const clientId = z
	.string()
	.min(1)
	.max(CHAT_MAX_CLIENT_ID)
	.regex(/^[^\u0000-\u001f\u007f-\u009f]+$/, 'no control characters');
/** The text is checked by the service; a string far beyond any limit is refused before it is even looked at. */
const text = z.string().max(64 * 1024);

export const spaceRef = z.object({ spaceId: id });
export const sendPayload = z.object({ spaceId: id, clientId, text, lang: languageTag.optional() });
export const editPayload = z.object({ spaceId: id, messageId: id, text });
export const messageRef = z.object({ spaceId: id, messageId: id });
export const historyPayload = z
	.object({ spaceId: id, before: id.optional(), after: id.optional(), limit: z.number().int().min(1).max(CHAT_MAX_PAGE).optional() })
	.refine((p) => !(p.before && p.after), 'before or after, not both');
export const typingPayload = z.object({ spaceId: id, typing: z.boolean() });
export const languagePayload = z.object({ lang: languageTag });

/** Parses a payload; a failure names the most specific error code its issues carry (else invalid_input). */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown): { ok: true; data: z.infer<T> } | { ok: false; code: ErrorCode } {
	const parsed = schema.safeParse(payload);
	if (parsed.success) return { ok: true, data: parsed.data };
	const specific = parsed.error.issues.map((i) => i.message).find((m) => isErrorCode(m) && m !== 'required');
	return { ok: false, code: specific ?? 'invalid_input' };
}
