import { parseRetryAfter } from './backoff';
import { endpoint, malformed, mapLimit, requestJson, type JsonAnswer } from './http';
import { fromApertiumCode, resolveApertiumPair, type ApertiumPair } from './iso639';
import { normalizeTag, primaryLanguage } from './language';
import { TranslateError, type LanguagePair, type TranslateRequest, type TranslateResult, type TranslationProvider } from './types';

const LABEL = 'Apertium';

/**
 * An Apertium APY client: `/listPairs` (ISO 639-3 codes, mapped to BCP 47 here) and `/translate`, one text
 * per request (APY takes one `q`), a few at a time. Unknown words come back as they are (`markUnknown=no`)
 * rather than starred. Texts go in a form body (APY accepts POST like GET), so long messages fit.
 */
export function createApertiumProvider({ url, concurrency = 4 }: { url: string; concurrency?: number }): TranslationProvider {
	let pairs: Promise<ApertiumPair[]> | undefined;

	async function listPairs(signal?: AbortSignal): Promise<ApertiumPair[]> {
		const answer = await requestJson(endpoint(url, '/listPairs'), { method: 'GET', signal }, LABEL);
		if (answer.status !== 200) throw apertiumError(answer);
		const data = (answer.body as { responseData?: unknown } | null)?.responseData;
		if (!Array.isArray(data)) throw malformed(LABEL, 'listPairs');
		return data.filter((p): p is ApertiumPair => typeof p?.sourceLanguage === 'string' && typeof p?.targetLanguage === 'string');
	}

	/** The installed pairs, fetched once; a failed fetch is forgotten so the next call asks again. */
	function installedPairs(signal?: AbortSignal): Promise<ApertiumPair[]> {
		if (!pairs) {
			const fetching = listPairs(signal);
			pairs = fetching;
			fetching.catch(() => {
				if (pairs === fetching) pairs = undefined;
			});
		}
		return pairs;
	}

	async function translateOne(text: string, langpair: string, signal?: AbortSignal): Promise<string> {
		const body = new URLSearchParams({ langpair, q: text, markUnknown: 'no' });
		const answer = await requestJson(endpoint(url, '/translate'), { method: 'POST', body, signal }, LABEL);
		const data = answer.body as { responseData?: { translatedText?: unknown }; responseStatus?: unknown } | null;
		if (answer.status !== 200 || (data?.responseStatus !== undefined && data.responseStatus !== 200)) throw apertiumError(answer);
		const translated = data?.responseData?.translatedText;
		if (typeof translated !== 'string') throw malformed(LABEL, 'translate');
		return translated;
	}

	return {
		name: 'apertium',

		async translate({ texts, source, target, signal }: TranslateRequest): Promise<TranslateResult> {
			if (texts.length === 0) return { texts: [] };
			if (source === 'auto') throw new TranslateError('unsupported', `${LABEL} cannot detect the source language; name it`);
			const pair = resolveApertiumPair(source, target, await installedPairs(signal));
			if (!pair) throw new TranslateError('unsupported', `${LABEL} has no pair installed for ${source} → ${target}`);
			const langpair = `${pair.sourceLanguage}|${pair.targetLanguage}`;
			// Stop the remaining texts once one fails: the batch fails as a whole either way.
			const batch = new AbortController();
			const onAbort = () => batch.abort(signal?.reason);
			signal?.addEventListener('abort', onAbort, { once: true });
			try {
				const translated = await mapLimit(texts, concurrency, (text) =>
					translateOne(text, langpair, batch.signal).catch((e: unknown) => {
						batch.abort(e);
						throw e;
					})
				);
				return { texts: translated };
			} finally {
				signal?.removeEventListener('abort', onAbort);
			}
		},

		async detect({ text, signal }): Promise<string | null> {
			const answer = await requestJson(endpoint(url, `/identifyLang?${new URLSearchParams({ q: text })}`), { method: 'GET', signal }, LABEL);
			if (answer.status !== 200) throw apertiumError(answer);
			const scores = answer.body && typeof answer.body === 'object' ? Object.entries(answer.body as Record<string, unknown>) : [];
			// Without CLD2, APY answers {} and cannot tell.
			const best = scores.filter((e): e is [string, number] => typeof e[1] === 'number').sort((a, b) => b[1] - a[1])[0];
			return best ? (normalizeTag(fromApertiumCode(best[0])) ?? null) : null;
		},

		async languages({ signal } = {}): Promise<LanguagePair[]> {
			const fresh = await listPairs(signal);
			pairs = Promise.resolve(fresh);
			const bySource = new Map<string, Set<string>>();
			for (const p of fresh) {
				const source = primaryLanguage(fromApertiumCode(p.sourceLanguage));
				const target = primaryLanguage(fromApertiumCode(p.targetLanguage));
				if (source === target) continue;
				bySource.set(source, (bySource.get(source) ?? new Set()).add(target));
			}
			return [...bySource].map(([source, targets]) => ({ source, targets: [...targets].sort() }));
		}
	};
}

/** APY's errors (`{ status: 'error', code, message, explanation }`) as `TranslateError`s. */
export function apertiumError({ status, headers, body }: JsonAnswer): TranslateError {
	const b = body as { code?: unknown; explanation?: unknown; responseStatus?: unknown; responseDetails?: unknown } | null;
	const code = typeof b?.code === 'number' ? b.code : typeof b?.responseStatus === 'number' ? b.responseStatus : status;
	const said = typeof b?.explanation === 'string' ? b.explanation : typeof b?.responseDetails === 'string' ? b.responseDetails : '';
	const detail = said ? `: ${said.slice(0, 200)}` : '';
	if (code === 400 && /pair/i.test(said)) return new TranslateError('unsupported', `${LABEL} does not offer this language pair (400)${detail}`, code);
	if (code === 400) return new TranslateError('bad_request', `${LABEL} rejected the request (400)${detail}`, code);
	if (code === 401 || code === 403) return new TranslateError('forbidden', `${LABEL} refused the request (${code})${detail}`, code);
	if (code === 429) return new TranslateError('rate_limited', `${LABEL} asks to slow down (429)`, code, { retryAfterMs: parseRetryAfter(headers.get('retry-after')) });
	if (code === 408) return new TranslateError('timeout', `${LABEL} timed out (408)`, code);
	return new TranslateError('unavailable', `${LABEL} failed (${code})`, code);
}
