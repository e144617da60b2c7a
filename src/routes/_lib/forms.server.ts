import { fail, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { fieldsFromZod } from '$lib/server/errors';
import type { ErrorCode } from '$lib/protocol/codes';
import type { UiLocale } from '$lib/i18n/locales';

/** What every form action hands back to its page: a sentence for the summary, one per field, and what was typed. */
export interface FormState {
	/** Which form on the page this answers, when a page has several. */
	form?: string;
	ok?: boolean;
	message?: string;
	errors?: Record<string, string>;
	values?: Record<string, string>;
}

/** Every text field of a form as strings; file inputs and repeated keys are ignored (first value wins). */
export function formValues(data: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of data) {
		if (typeof value === 'string' && !(key in values)) values[key] = value;
	}
	return values;
}

/** Drops passwords so they are never echoed back into the page. */
export function withoutSecrets(values: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(values).filter(([key]) => !/password/i.test(key)));
}

function localize(fields: Record<string, ErrorCode> | undefined, locale: UiLocale): Record<string, string> {
	return Object.fromEntries(Object.entries(fields ?? {}).map(([field, code]) => [field, errorMessage(code, locale)]));
}

/** A failed validation, in the reader's language, with what they typed (minus passwords). */
export function invalid(
	error: z.ZodError,
	{ locale, values, form }: { locale: UiLocale; values: Record<string, string>; form?: string }
) {
	const state: FormState = {
		form,
		message: errorMessage('invalid_input', locale),
		errors: localize(fieldsFromZod(error), locale),
		values: withoutSecrets(values)
	};
	return fail(400, state);
}

/** Turns a service's AppError into a form failure; anything else is rethrown for handleError to log. */
export function failFromError(
	e: unknown,
	{ locale, values, form }: { locale: UiLocale; values: Record<string, string>; form?: string }
) {
	if (!isAppError(e)) throw e;
	const state: FormState = {
		form,
		message: errorMessage(e.code, locale, { seconds: e.retryAfterSeconds ?? 0 }),
		errors: localize(e.fields, locale),
		values: withoutSecrets(values)
	};
	return fail(e.status, state);
}

const REDIRECT_BASE = 'http://tessera.invalid';

/**
 * A same-origin relative path to go to after signing in, or null for anything that could leave the site.
 * Checked both before and after URL normalisation, since `/.//evil.example` or `/%2e//evil.example`
 * normalise to the protocol-relative `//evil.example`.
 */
export function safeRedirectPath(target: string | null | undefined): string | null {
	if (!target || !isPlainPath(target)) return null;
	let result: string;
	try {
		const url = new URL(target, REDIRECT_BASE);
		if (url.origin !== REDIRECT_BASE) return null;
		result = `${url.pathname}${url.search}${url.hash}`;
	} catch {
		return null;
	}
	if (!isPlainPath(result)) return null;
	try {
		return new URL(result, REDIRECT_BASE).origin === REDIRECT_BASE ? result : null;
	} catch {
		return null;
	}
}

/** `/` alone, or one `/` then something other than `/` or `\`; never a backslash or control character anywhere. */
function isPlainPath(path: string): boolean {
	if (/[\\\u0000-\u001f\u007f]/.test(path)) return false;
	return path === '/' || /^\/[^/\\]/.test(path);
}

/** `/signin?next=<where they were>` for pages that need a signed-in person. */
export function signInUrl(event: Pick<RequestEvent, 'url'>): string {
	return `/signin?next=${encodeURIComponent(event.url.pathname + event.url.search)}`;
}
