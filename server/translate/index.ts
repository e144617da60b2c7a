import type { Config } from '../config';
import type { Db } from '../db';
import type { Logger } from '../logger';
import { createApertiumProvider } from './apertium';
import { retryDelay } from './backoff';
import { CircuitBreaker } from './breaker';
import { translationKey } from './cache-key';
import { needsTranslation, normalizeTag } from './language';
import { Lru } from './lru';
import { createLibreTranslateProvider } from './libretranslate';
import { createTranslationStore, type StoreOptions, type TranslationRow } from './store';
import { TranslateError, type LanguagePair, type ProviderName, type TranslationProvider, type TranslationService } from './types';

export * from './types';
export { needsTranslation, normalizeTag, primaryLanguage } from './language';

export interface TranslatorOptions {
	/** Further attempts after a retryable failure (timeout, 5xx, 429, network). */
	retries: number;
	/** First backoff step, doubled per retry, with jitter, in ms. */
	backoffBaseMs: number;
	backoffMaxMs: number;
	/** A 429 asking for a longer wait than this fails at once instead, in ms. */
	maxRetryAfterMs: number;
	/** Consecutive failed requests that open the circuit breaker. */
	breakerThreshold: number;
	/** How long an open breaker refuses before one probe request, in ms. */
	breakerCooldownMs: number;
	/** Texts per provider request (LibreTranslate takes them as one `q` array). */
	batchSize: number;
	/** Apertium requests in flight per batch (APY takes one text per request). */
	apertiumConcurrency: number;
	/** How long `languages()` answers from memory, in ms. */
	languagesTtlMs: number;
	/** Used instead of the provider named by config (a custom machine translator). */
	provider?: TranslationProvider;
	store?: Partial<StoreOptions>;
}

const defaults: TranslatorOptions = {
	retries: 2,
	backoffBaseMs: 250,
	backoffMaxMs: 4_000,
	maxRetryAfterMs: 10_000,
	breakerThreshold: 5,
	breakerCooldownMs: 30_000,
	batchSize: 50,
	apertiumConcurrency: 4,
	languagesTtlMs: 60 * 60_000
};

type TranslatorConfig = Pick<Config, 'translator' | 'libreTranslateUrl' | 'libreTranslateApiKey' | 'apertiumUrl' | 'translateTimeoutMs' | 'translateCacheEntries'>;
type Status = { provider: ProviderName; available: boolean };

/** Failures that say the translator is down or overloaded; they count against the breaker and are retried. */
function isOutage(e: TranslateError): boolean {
	return e.kind === 'unavailable' || e.kind === 'timeout' || e.kind === 'rate_limited';
}

function asTranslateError(e: unknown): TranslateError {
	return e instanceof TranslateError ? e : new TranslateError('unavailable', 'The translator failed unexpectedly', undefined, { cause: e });
}

function chooseProvider(config: TranslatorConfig, options: TranslatorOptions): TranslationProvider | null {
	if (options.provider) return options.provider;
	if (config.translator === 'libretranslate' && config.libreTranslateUrl) {
		return createLibreTranslateProvider({ url: config.libreTranslateUrl, apiKey: config.libreTranslateApiKey });
	}
	if (config.translator === 'apertium' && config.apertiumUrl) return createApertiumProvider({ url: config.apertiumUrl, concurrency: options.apertiumConcurrency });
	return null;
}

/** Translation off: every text stays as written, and the UI says so. */
function createNoTranslator(): TranslationService {
	return {
		provider: 'none',
		needsTranslation: () => false,
		translate: () => Promise.reject(new TranslateError('unsupported', 'Translation is off')),
		cached: async () => undefined,
		peek: () => undefined,
		forget: async () => {},
		status: () => ({ provider: 'none', available: false }),
		onStatus: () => () => {},
		languages: async () => [],
		detect: async () => null,
		close: async () => {}
	};
}

/**
 * The translation service over the configured provider: in-memory LRU, then the `translations` table, then
 * the provider; identical in-flight requests merged; each request bounded by `translateTimeoutMs`, retried
 * with backoff and guarded by a circuit breaker. Never throws synchronously; a call settles within about
 * (retries + 1) × timeout plus backoff.
 */
export function createTranslator({
	db,
	logger,
	config,
	options = {}
}: {
	db: Db;
	logger: Logger;
	config: TranslatorConfig;
	options?: Partial<TranslatorOptions>;
}): TranslationService {
	const o: TranslatorOptions = { ...defaults, ...options };
	const provider = chooseProvider(config, o);
	if (!provider) return createNoTranslator();

	const name = provider.name;
	const log = logger.child({ ns: 'translate', provider: name });
	const timeoutMs = config.translateTimeoutMs;
	const lru = new Lru<string, string>(config.translateCacheEntries);
	const store = createTranslationStore({ db, logger: log, options: o.store });
	const inflight = new Map<string, Promise<string>>();
	const listeners = new Set<(status: Status) => void>();
	const closing = new AbortController();
	let languagesCache: { at: number; pairs: LanguagePair[] } | undefined;
	let languagesInflight: Promise<LanguagePair[]> | undefined;
	let probeTimer: NodeJS.Timeout | undefined;
	/** One text that last failed for an outage: after the cooldown it is the probe, so recovery needs no caller. */
	let probeSample: { text: string; source: string; target: string } | undefined;
	let available = true;

	const breaker = new CircuitBreaker({ failureThreshold: o.breakerThreshold, cooldownMs: o.breakerCooldownMs }, (to, from) => {
		if (to === 'open') {
			log.warn({ from, retryInMs: o.breakerCooldownMs }, 'translator unavailable: circuit open');
			scheduleProbe();
		} else if (to === 'closed') log.info({ from }, 'translator available again: circuit closed');
		const now = to === 'closed';
		if (now === available) return;
		available = now;
		const status = { provider: name, available };
		for (const listener of listeners) {
			try {
				listener(status);
			} catch (err) {
				log.error({ err }, 'translation status listener failed');
			}
		}
	});

	function scheduleProbe() {
		clearTimeout(probeTimer);
		probeTimer = setTimeout(() => void probe(), breaker.retryInMs + 1);
		probeTimer.unref();
	}

	async function probe() {
		const sample = probeSample;
		if (closing.signal.aborted || breaker.state !== 'open' || !sample) return;
		try {
			// Straight to the provider: an answer from a cache would prove nothing about it.
			const key = translationKey({ provider: name, source: sample.source, target: sample.target, text: sample.text });
			await translateChunk([[key, sample.text]], sample.source, sample.target, 0);
		} catch (err) {
			log.debug({ err }, 'translator probe failed');
		}
	}

	/** One request under the breaker, bounded by the timeout and aborted by close(). */
	async function attempt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
		if (closing.signal.aborted) throw closing.signal.reason as TranslateError;
		const ticket = breaker.acquire();
		if (ticket === null) throw new TranslateError('circuit_open', 'The translator is unavailable (circuit open); not tried');
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(new TranslateError('timeout', `The translator did not answer within ${timeoutMs} ms`)), timeoutMs);
		const onClose = () => controller.abort(closing.signal.reason);
		closing.signal.addEventListener('abort', onClose, { once: true });
		try {
			const result = await run(controller.signal);
			breaker.success(ticket);
			return result;
		} catch (e) {
			const err = asTranslateError(e);
			if (!closing.signal.aborted) {
				if (isOutage(err)) breaker.failure(ticket);
				else breaker.success(ticket);
			}
			throw err;
		} finally {
			clearTimeout(timer);
			closing.signal.removeEventListener('abort', onClose);
		}
	}

	/** `attempt` with bounded retries and backoff for outages; a 429's Retry-After is honoured. */
	async function withRetries<T>(run: (signal: AbortSignal) => Promise<T>, retries: number): Promise<T> {
		for (let n = 0; ; n++) {
			try {
				return await attempt(run);
			} catch (err) {
				const e = err as TranslateError;
				if (!isOutage(e) || n >= retries || closing.signal.aborted) throw e;
				const delay = retryDelay({ attempt: n, retryAfterMs: e.retryAfterMs }, { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs, maxRetryAfterMs: o.maxRetryAfterMs });
				if (delay === null) throw e;
				log.debug({ kind: e.kind, status: e.status, retry: n + 1, delayMs: delay }, 'translator request failed; retrying');
				await sleep(delay, closing.signal);
			}
		}
	}

	function sourceTag(tag: string): string {
		if (tag.trim().toLowerCase() === 'auto') return 'auto';
		return targetTag(tag);
	}

	function targetTag(tag: string): string {
		const normal = typeof tag === 'string' ? normalizeTag(tag) : null;
		if (!normal) throw new TranslateError('bad_request', `Not a language tag: ${String(tag).slice(0, 35)}`);
		return normal;
	}

	/** Asks the provider for one chunk of texts (key → text); what comes back goes into memory and, soon, the table. */
	async function translateChunk(chunk: [string, string][], source: string, target: string, retries: number): Promise<Map<string, string>> {
		const texts = chunk.map(([, text]) => text);
		let result;
		try {
			result = await withRetries((signal) => provider!.translate({ texts, source, target, signal }), retries);
		} catch (e) {
			const err = e as TranslateError;
			if (isOutage(err) || err.kind === 'circuit_open') probeSample = { text: texts[0]!, source, target };
			throw err;
		}
		if (result.texts.length !== texts.length) throw new TranslateError('unavailable', 'The translator answered with the wrong number of texts');
		const out = new Map<string, string>();
		const rows: TranslationRow[] = chunk.map(([key], i) => {
			const text = result.texts[i]!;
			out.set(key, text);
			lru.set(key, text);
			return { key, provider: name, source, target, text };
		});
		store.save(rows);
		return out;
	}

	/** Translations of `missing` (key → text): stored ones from the database, the rest from the provider. */
	async function fetchMissing(missing: Map<string, string>, source: string, target: string, retries: number): Promise<Map<string, string>> {
		const found = await withDeadline(store.lookup([...missing.keys()]), timeoutMs, new Map<string, string>());
		for (const [key, text] of found) lru.set(key, text);
		const rest = [...missing].filter(([key]) => !found.has(key));
		const chunks: [string, string][][] = [];
		for (let i = 0; i < rest.length; i += o.batchSize) chunks.push(rest.slice(i, i + o.batchSize));
		const results = await Promise.all(chunks.map((chunk) => translateChunk(chunk, source, target, retries)));
		for (const result of results) for (const [key, text] of result) found.set(key, text);
		return found;
	}

	async function translate(req: { texts: string[]; source: string; target: string }): Promise<{ texts: string[]; provider: ProviderName }> {
		if (closing.signal.aborted) throw closing.signal.reason as TranslateError;
		if (!Array.isArray(req?.texts) || !req.texts.every((t) => typeof t === 'string')) throw new TranslateError('bad_request', 'texts must be an array of strings');
		const source = sourceTag(req.source);
		const target = targetTag(req.target);
		if (!needsTranslation({ source, target })) return { texts: [...req.texts], provider: name };

		const out = new Array<string>(req.texts.length);
		const waits: Promise<unknown>[] = [];
		const missing = new Map<string, { text: string; indices: number[] }>();
		req.texts.forEach((text, i) => {
			if (!text.trim()) return void (out[i] = text);
			const key = translationKey({ provider: name, source, target, text });
			const hit = lru.get(key);
			if (hit !== undefined) return void (out[i] = hit);
			const pending = inflight.get(key);
			if (pending) return void waits.push(pending.then((t) => (out[i] = t)));
			const entry = missing.get(key);
			if (entry) entry.indices.push(i);
			else missing.set(key, { text, indices: [i] });
		});

		if (missing.size > 0) {
			const job = fetchMissing(new Map([...missing].map(([key, { text }]) => [key, text])), source, target, o.retries);
			for (const [key, { indices }] of missing) {
				const one = job.then((found) => found.get(key)!);
				inflight.set(key, one);
				const forget = () => {
					if (inflight.get(key) === one) inflight.delete(key);
				};
				one.then(forget, forget);
				waits.push(one.then((t) => indices.forEach((i) => (out[i] = t))));
			}
		}
		await Promise.all(waits);
		return { texts: out, provider: name };
	}

	return {
		provider: name,

		needsTranslation: (args) => needsTranslation(args),

		translate,

		async cached({ text, source, target }) {
			let from: string;
			let to: string;
			try {
				from = sourceTag(source);
				to = targetTag(target);
			} catch {
				return undefined;
			}
			if (!needsTranslation({ source: from, target: to })) return text;
			const key = translationKey({ provider: name, source: from, target: to, text });
			const hit = lru.get(key);
			if (hit !== undefined) return hit;
			if (closing.signal.aborted) return undefined;
			const stored = (await withDeadline(store.lookup([key]), timeoutMs, new Map<string, string>())).get(key);
			if (stored !== undefined) lru.set(key, stored);
			return stored;
		},

		async forget({ texts }) {
			if (texts.length === 0) return;
			try {
				for (const key of await store.forget(texts)) lru.delete(key);
			} catch (err) {
				log.warn({ err }, 'could not forget the translations of a deleted text');
			}
		},

		peek({ text, source, target }) {
			try {
				const from = sourceTag(source);
				const to = targetTag(target);
				if (!needsTranslation({ source: from, target: to })) return text;
				return lru.get(translationKey({ provider: name, source: from, target: to, text }));
			} catch {
				return undefined;
			}
		},

		status: () => ({ provider: name, available: available && !closing.signal.aborted }),

		onStatus(listener) {
			listeners.add(listener);
			return () => void listeners.delete(listener);
		},

		async languages() {
			if (languagesCache && Date.now() - languagesCache.at < o.languagesTtlMs) return languagesCache.pairs;
			if (closing.signal.aborted) return languagesCache?.pairs ?? [];
			languagesInflight ??= attempt((signal) => provider.languages({ signal }))
				.then((pairs) => {
					languagesCache = { at: Date.now(), pairs };
					return pairs;
				})
				.catch((err: unknown) => {
					log.warn({ err }, 'could not list the translator languages');
					return languagesCache?.pairs ?? [];
				})
				.finally(() => (languagesInflight = undefined));
			return languagesInflight;
		},

		async detect({ text }) {
			if (!provider.detect || !text.trim() || closing.signal.aborted) return null;
			try {
				return await attempt((signal) => provider.detect!({ text, signal }));
			} catch (err) {
				log.debug({ err }, 'language detection failed');
				return null;
			}
		},

		async close() {
			if (closing.signal.aborted) return;
			closing.abort(new TranslateError('unavailable', 'The translator is closed'));
			clearTimeout(probeTimer);
			listeners.clear();
			await store.close();
		}
	};
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then sees the abort on its next step). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, { once: true });
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}

/** `promise`, or `fallback` if it has not settled within `ms` (a wedged database must not hold chat up). */
function withDeadline<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
	return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
