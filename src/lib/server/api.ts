import { json, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Me } from '$server/accounts';
import { AppError, unauthorized } from '$server/errors';
import { invalidInput, toErrorResponse } from './errors';

/**
 * Wraps a JSON endpoint: its return value becomes the body (status 200 unless it returns a Response) and any
 * error becomes `{ error: { code, message } }` with the right status, in the reader's language.
 */
export function endpoint<E extends RequestEvent>(fn: (event: E) => Promise<unknown>): (event: E) => Promise<Response> {
	return async (event) => {
		try {
			const result = await fn(event);
			if (result instanceof Response) return result;
			return json(result);
		} catch (e) {
			const { status, body, headers } = toErrorResponse(e, event);
			return json({ error: body }, { status, headers });
		}
	};
}

export function requireUser(event: RequestEvent): Me {
	if (!event.locals.user) throw unauthorized();
	return event.locals.user;
}

export function requireAdmin(event: RequestEvent): Me {
	const user = requireUser(event);
	if (user.role !== 'admin') throw new AppError(403, 'forbidden');
	return user;
}

/** Reads a JSON body and validates it; wrong content type, bad JSON and invalid fields each get their own clear error. */
export async function readJson<S extends z.ZodType>(event: RequestEvent, schema: S): Promise<z.output<S>> {
	const type = event.request.headers.get('content-type') ?? '';
	if (!/^application\/json\b/i.test(type)) throw new AppError(415, 'unsupported_media_type');
	let body: unknown;
	try {
		body = await event.request.json();
	} catch (e) {
		if ((e as { status?: number })?.status === 413) throw new AppError(413, 'payload_too_large');
		throw new AppError(400, 'invalid_json');
	}
	const parsed = schema.safeParse(body);
	if (!parsed.success) throw invalidInput(parsed.error);
	return parsed.data;
}

export function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
