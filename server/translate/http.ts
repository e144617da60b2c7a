import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
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

/**
 * Connections to the translator are kept open between requests (a busy space asks several times a second), but
 * not for long once idle: a translator or proxy that closes idle connections first would make the next request
 * on them fail (and such a failure is retried once on a new connection, below).
 */
const agentOptions = { keepAlive: true, maxSockets: 16, timeout: 1000 };
const agents = { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) };

/** What a translator may send back at most (a batch of 50 long messages is far less). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 3;

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
 * service aborts with `timeout` or "closed" errors), at once, even while the request waits for a connection.
 * Redirects are followed (a few). Messages name the host, never the query or the body.
 *
 * On node:http with keep-alive rather than fetch: chat asks the translator hundreds of times a second at
 * load, and fetch costs several times more of the event loop per request.
 */
export async function requestJson(url: URL, init: JsonRequest, label: string): Promise<JsonAnswer> {
	let target = url;
	let request = init;
	for (let redirects = 0; ; redirects++) {
		const answer = await exchange(target, request, label, true);
		const location = answer.status >= 301 && answer.status <= 308 && answer.status !== 304 ? answer.headers.get('location') : null;
		if (!location || redirects >= MAX_REDIRECTS) return answer;
		target = new URL(location, target);
		// As fetch does: 307 and 308 repeat the request as it was; the others ask for the new place with GET.
		if (answer.status !== 307 && answer.status !== 308) request = { ...request, method: 'GET', body: undefined, headers: withoutContentType(request.headers) };
	}
}

function withoutContentType(headers: Record<string, string> | undefined): Record<string, string> | undefined {
	if (!headers) return headers;
	return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
}

function exchange(url: URL, init: JsonRequest, label: string, mayRetry: boolean): Promise<JsonAnswer> {
	const agent = agents[url.protocol as keyof typeof agents];
	if (!agent) return Promise.reject(new TranslateError('unavailable', `${label} at ${url.origin} is not an http(s) address`));
	const body = init.body === undefined ? undefined : Buffer.from(init.body.toString());
	const headers: Record<string, string | number> = { accept: 'application/json', ...init.headers };
	if (init.body instanceof URLSearchParams) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
	if (body) headers['content-length'] = body.byteLength;
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	const signal = init.signal;
	const aborted = (cause?: unknown) => {
		const reason: unknown = signal?.reason;
		return reason instanceof TranslateError ? reason : new TranslateError('timeout', `${label} request was aborted`, undefined, { cause });
	};
	if (signal?.aborted) return Promise.reject(aborted());
	return new Promise<JsonAnswer>((resolve, reject) => {
		let settled = false;
		const finish = (done: () => void) => {
			if (settled) return;
			settled = true;
			signal?.removeEventListener('abort', onAbort);
			done();
		};
		// Not left to the request's own error, which comes only once it has a connection (it may wait for one).
		const onAbort = () => {
			finish(() => reject(aborted()));
			req.destroy();
		};
		signal?.addEventListener('abort', onAbort, { once: true });
		const req = send(url, { method: init.method, headers, agent }, (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				size += chunk.byteLength;
				if (size > MAX_ANSWER_BYTES) {
					fail(new TranslateError('unavailable', `${label} at ${url.origin} sent too large an answer`));
					return void req.destroy();
				}
				chunks.push(chunk);
			});
			res.on('error', fail);
			res.on('end', () => {
				try {
					finish(() => resolve({ status: res.statusCode ?? 0, headers: headersOf(res.headers), body: parseJson(Buffer.concat(chunks).toString('utf8')) }));
				} catch (e) {
					fail(e);
				}
			});
		});
		function fail(e: unknown) {
			if (settled) return;
			if (e instanceof TranslateError) return finish(() => reject(e));
			if (signal?.aborted) return finish(() => reject(aborted(e)));
			const code = (e as { code?: unknown }).code;
			// A kept-alive connection the other side had closed: not the translator's fault, so once more on a new one.
			if (mayRetry && req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) {
				return finish(() => resolve(exchange(url, init, label, false)));
			}
			finish(() => reject(new TranslateError('unavailable', `${label} at ${url.origin} is unreachable${typeof code === 'string' ? ` (${code})` : ''}`, undefined, { cause: e })));
		}
		req.on('error', fail);
		req.end(body);
	});
}

function headersOf(raw: IncomingHttpHeaders): Headers {
	const headers = new Headers();
	for (const [name, value] of Object.entries(raw)) {
		if (typeof value === 'string') headers.set(name, value);
		else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
	}
	return headers;
}

/** The parsed JSON (a byte order mark skipped), or undefined when the body is empty or not JSON. */
function parseJson(text: string): unknown {
	const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (!json) return undefined;
	try {
		return JSON.parse(json);
	} catch {
		return undefined;
	}
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
