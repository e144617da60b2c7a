import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { AppError, isAppError } from '$server/errors';
import { errorBody } from '$server/i18n';
import { isErrorCode, type ErrorBody, type ErrorCode } from '$lib/protocol/codes';

/** Turns zod issues into per-field error codes (the schemas use codes as their messages). */
export function fieldsFromZod(error: z.ZodError): Record<string, ErrorCode> {
	const fields: Record<string, ErrorCode> = {};
	for (const issue of error.issues) {
		const key = issue.path.length ? String(issue.path[0]) : '_';
		if (fields[key]) continue;
		fields[key] = isErrorCode(issue.message) ? issue.message : issue.code === 'invalid_type' && issue.input === undefined ? 'required' : 'invalid_value';
	}
	return fields;
}

export function invalidInput(error: z.ZodError): AppError {
	return new AppError(400, 'invalid_input', { fields: fieldsFromZod(error) });
}

/** Any thrown value → status and a body safe to show, in the reader's language. Unknown errors are logged, not shown. */
export function toErrorResponse(e: unknown, event: RequestEvent): { status: number; body: ErrorBody; headers: Record<string, string> } {
	const locale = event.locals.locale ?? 'en';
	if (isAppError(e)) {
		const headers: Record<string, string> = {};
		if (e.retryAfterSeconds) headers['retry-after'] = String(e.retryAfterSeconds);
		return { status: e.status, body: errorBody(e.code, locale, e.fields, { seconds: e.retryAfterSeconds ?? 0 }), headers };
	}
	if (isHttpError(e) && e.status === 413) return { status: 413, body: errorBody('payload_too_large', locale), headers: {} };
	const status = (e as { status?: number })?.status;
	if (status === 413) return { status: 413, body: errorBody('payload_too_large', locale), headers: {} };
	event.locals.app?.logger.error({ err: e, path: event.url.pathname, method: event.request.method }, 'unhandled error');
	return { status: 500, body: errorBody('internal', locale), headers: {} };
}
