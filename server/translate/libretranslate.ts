import { parseRetryAfter } from './backoff';
import { endpoint, malformed, requestJson, type JsonAnswer } from './http';
import { fromLibreTranslateCode, primaryLanguage, toLibreTranslateCode } from './language';
import { TranslateError, type LanguagePair, type TranslateRequest, type TranslateResult, type TranslationProvider } from './types';

const LABEL = 'LibreTranslate';

interface Detection {
	confidence?: number;
	language?: string;
}

/**
 * A LibreTranslate client written against its documented HTTP API: `POST /translate` with `q` as an array,
 * `POST /detect`, `GET /languages`. The API key travels in the JSON body, as the API asks, and appears in no
 * error message.
 */
export function createLibreTranslateProvider({ url, apiKey }: { url: string; apiKey?: string }): TranslationProvider {
	/** The server's own language codes, once /languages has answered: they decide `zt` vs `zh-Hant` and the like. */
	let offered: Set<string> | undefined;
	const withKey = (body: Record<string, unknown>) => (apiKey ? { ...body, api_key: apiKey } : body);

	async function post(path: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
		const answer = await requestJson(endpoint(url, path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(withKey(body)), signal }, LABEL);
		if (answer.status !== 200) throw libreTranslateError(answer, path);
		return answer.body;
	}

	return {
		name: 'libretranslate',

		async translate({ texts, source, target, signal }: TranslateRequest): Promise<TranslateResult> {
			if (texts.length === 0) return { texts: [] };
			const from = source === 'auto' ? 'auto' : toLibreTranslateCode(source, offered);
			const body = (await post('/translate', { q: texts, source: from, target: toLibreTranslateCode(target, offered), format: 'text' }, signal)) as {
				translatedText?: unknown;
				detectedLanguage?: unknown;
			} | null;
			const raw = body?.translatedText;
			const translated = typeof raw === 'string' && texts.length === 1 ? [raw] : raw;
			if (!Array.isArray(translated) || translated.length !== texts.length || !translated.every((t) => typeof t === 'string')) throw malformed(LABEL, 'translate');
			const result: TranslateResult = { texts: translated as string[] };
			if (source === 'auto' && body?.detectedLanguage) {
				const detected = (Array.isArray(body.detectedLanguage) ? body.detectedLanguage : [body.detectedLanguage]) as Detection[];
				const tags = detected.map((d) => (typeof d?.language === 'string' ? fromLibreTranslateCode(d.language) : undefined));
				result.detectedSources = texts.map((_, i) => tags[i] ?? tags[0]);
				result.detectedSource = tags[0];
			}
			return result;
		},

		async detect({ text, signal }): Promise<string | null> {
			const body = await post('/detect', { q: text }, signal);
			if (!Array.isArray(body)) throw malformed(LABEL, 'detect');
			const best = (body as Detection[])
				.filter((d) => typeof d?.language === 'string' && typeof d.confidence === 'number')
				.sort((a, b) => b.confidence! - a.confidence!)[0];
			// LibreTranslate answers "en" with confidence 0 when it cannot tell.
			return best && best.confidence! > 0 ? fromLibreTranslateCode(best.language!) : null;
		},

		async languages({ signal } = {}): Promise<LanguagePair[]> {
			const answer = await requestJson(endpoint(url, '/languages'), { method: 'GET', signal }, LABEL);
			if (answer.status !== 200) throw libreTranslateError(answer, '/languages');
			if (!Array.isArray(answer.body)) throw malformed(LABEL, 'languages');
			const entries = (answer.body as { code?: unknown; targets?: unknown }[]).filter((l): l is { code: string; targets?: unknown } => typeof l?.code === 'string');
			offered = new Set(entries.map((l) => l.code));
			const byPrimary = new Map<string, Set<string>>();
			for (const entry of entries) {
				const source = primaryLanguage(fromLibreTranslateCode(entry.code));
				// Servers before 1.4 list no targets: every language then translates into every other.
				const targets = Array.isArray(entry.targets) ? entry.targets.filter((t): t is string => typeof t === 'string') : [...offered];
				const set = byPrimary.get(source) ?? new Set<string>();
				for (const t of targets) {
					const target = primaryLanguage(fromLibreTranslateCode(t));
					if (target !== source) set.add(target);
				}
				byPrimary.set(source, set);
			}
			return [...byPrimary].map(([source, targets]) => ({ source, targets: [...targets].sort() }));
		}
	};
}

/** LibreTranslate's error statuses as `TranslateError`s; its `{ error }` text is kept where it names the problem. */
export function libreTranslateError({ status, headers, body }: JsonAnswer, path: string): TranslateError {
	const said = typeof (body as { error?: unknown } | null)?.error === 'string' ? ((body as { error: string }).error.slice(0, 200) as string) : '';
	const detail = said ? `: ${said}` : '';
	switch (true) {
		case status === 400 && /api key/i.test(said):
			// A server that requires keys answers a missing one with 400, not 403.
			return new TranslateError('forbidden', `${LABEL} requires an API key (400)${detail}; set LIBRETRANSLATE_API_KEY`, status);
		case status === 400 && /not supported|not available/i.test(said):
			return new TranslateError('unsupported', `${LABEL} does not offer this language pair (400)${detail}`, status);
		case status === 400:
			return new TranslateError('bad_request', `${LABEL} rejected the request (400)${detail}`, status);
		case status === 403:
			return new TranslateError('forbidden', `${LABEL} refused the request (403)${detail}; check LIBRETRANSLATE_API_KEY`, status);
		case status === 429:
			return new TranslateError('rate_limited', `${LABEL} asks to slow down (429)${detail}`, status, { retryAfterMs: parseRetryAfter(headers.get('retry-after')) });
		case status === 404:
			return new TranslateError('unavailable', `${LABEL} has no ${path} (404); check LIBRETRANSLATE_URL`, status);
		case status >= 500:
			// A 500's text can quote the failing input, so it stays out of the message.
			return new TranslateError('unavailable', `${LABEL} failed (${status})`, status);
		default:
			return new TranslateError('unavailable', `${LABEL} answered ${status}`, status);
	}
}
