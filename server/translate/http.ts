import { TranslateError } from './types';

export interface JsonAnswer {
	status: number;
	headers: Headers;
	/** The parsed JSON body; undefined when the body was empty or not JSON. */
	body: unknown;
}

/** `base` + `path`, keeping any path prefix the base URL has (a translator behind `/translate-api/`). */
export function endpoint(base: string, path: string): URL {
	return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`);
}

/**
 * One HTTP exchange with a translator, answered with status and parsed JSON whatever the status. Network
 * failures become `unavailable`; an abort rethrows the signal's reason when it is a `TranslateError` (the
 * service aborts with `timeout` or "closed" errors). Messages name the host, never the query or the body.
 */
export async function requestJson(url: URL, init: RequestInit & { signal?: AbortSignal }, label: string): Promise<JsonAnswer> {
	let response: Response;
	let text: string;
	try {
		response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
		text = await response.text();
	} catch (e) {
		if (init.signal?.aborted) {
			const reason: unknown = init.signal.reason;
			if (reason instanceof TranslateError) throw reason;
			throw new TranslateError('timeout', `${label} request was aborted`, undefined, { cause: e });
		}
		const code = (e as { cause?: { code?: unknown } }).cause?.code;
		throw new TranslateError('unavailable', `${label} at ${url.origin} is unreachable${typeof code === 'string' ? ` (${code})` : ''}`, undefined, { cause: e });
	}
	let body: unknown;
	if (text) {
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
	}
	return { status: response.status, headers: response.headers, body };
}

export function malformed(label: string, what: string): TranslateError {
	return new TranslateError('unavailable', `${label} sent a malformed ${what} response`);
}

/** Runs `fn` over `items` with at most `limit` at once; on the first failure the rest are not started. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failed = false;
	async function worker() {
		while (!failed && next < items.length) {
			const index = next++;
			try {
				results[index] = await fn(items[index]!, index);
			} catch (e) {
				failed = true;
				throw e;
			}
		}
	}
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
	return results;
}
