import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** Connections to the translator are kept open between requests (a busy space asks several times a second). */
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 16 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 16 }) };

/** What a translator may send back at most (a batch of 50 long messages is far less). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export interface JsonRequest {
	method: 'GET' | 'POST';
	headers?: Record<string, string>;
	/** A JSON string (with its content-type header) or a form. */
	body?: string | URLSearchParams;
	signal?: AbortSignal;
}

/**
 * One HTTP exchange with a translator, answered with status and parsed JSON whatever the status. Network
 * failures become `unavailable`; an abort rethrows the signal's reason when it is a `TranslateError` (the
 * service aborts with `timeout` or "closed" errors). Messages name the host, never the query or the body.
 *
 * On node:http with keep-alive rather than fetch: chat asks the translator hundreds of times a second at
 * load, and fetch costs several times more of the event loop per request.
 */
export function requestJson(url: URL, init: JsonRequest, label: string): Promise<JsonAnswer> {
	const agent = agents[url.protocol as keyof typeof agents];
	if (!agent) return Promise.reject(new TranslateError('unavailable', `${label} at ${url.origin} is not an http(s) address`));
	const body = init.body === undefined ? undefined : Buffer.from(init.body.toString());
	const headers: Record<string, string | number> = { accept: 'application/json', ...init.headers };
	if (init.body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
	if (body) headers['content-length'] = body.byteLength;
	const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise<JsonAnswer>((resolve, reject) => {
		const aborted = (cause?: unknown) => {
			const reason: unknown = init.signal?.reason;
			return reason instanceof TranslateError ? reason : new TranslateError('timeout', `${label} request was aborted`, undefined, { cause });
		};
		if (init.signal?.aborted) return reject(aborted());
		const req = request(url, { method: init.method, headers, agent, signal: init.signal }, (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.byteLength;
				if (size > MAX_ANSWER_BYTES) return void req.destroy(new TranslateError('unavailable', `${label} at ${url.origin} sent too large an answer`));
				chunks.push(chunk);
			});
			res.on('error', fail);
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let parsed: unknown;
				if (text) {
					try {
						parsed = JSON.parse(text);
					} catch {
						parsed = undefined;
					}
				}
				const answerHeaders = new Headers();
				for (const [name, value] of Object.entries(res.headers)) {
					if (typeof value === 'string') answerHeaders.set(name, value);
					else if (Array.isArray(value)) for (const v of value) answerHeaders.append(name, v);
				}
				resolve({ status: res.statusCode ?? 0, headers: answerHeaders, body: parsed });
			});
		});
		function fail(e: unknown) {
			if (e instanceof TranslateError) return reject(e);
			if (init.signal?.aborted) return reject(aborted(e));
			const code = (e as { code?: unknown }).code;
			reject(new TranslateError('unavailable', `${label} at ${url.origin} is unreachable${typeof code === 'string' ? ` (${code})` : ''}`, undefined, { cause: e }));
		}
		req.on('error', fail);
		req.end(body);
	});
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
