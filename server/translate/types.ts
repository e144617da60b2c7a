/**
 * The translation contract. A provider talks to one machine translator; the translation service
 * (index.ts) wraps whichever is configured with caching, request merging, timeouts, retries and a
 * circuit breaker. Chat only ever sees `Translator`.
 */

export type ProviderName = 'libretranslate' | 'apertium' | 'none';

export interface TranslateRequest {
	texts: string[];
	/** BCP 47 tag, or 'auto' where the provider can detect. */
	source: string;
	/** BCP 47 tag. */
	target: string;
	signal?: AbortSignal;
}

export interface TranslateResult {
	/** One per input text, in order. */
	texts: string[];
	/** BCP 47 tag of the detected source when `source` was 'auto'. */
	detectedSource?: string;
	/** Per text, when the provider detected each one separately (LibreTranslate batches with 'auto'). */
	detectedSources?: (string | undefined)[];
}

export interface LanguagePair {
	source: string;
	targets: string[];
}

/** One machine translator's HTTP API, mapped to BCP 47 tags. Errors are `TranslateError`s. */
export interface TranslationProvider {
	readonly name: ProviderName;
	translate(req: TranslateRequest): Promise<TranslateResult>;
	/** BCP 47 tag of the most likely language of `text`, or null when the provider cannot tell. */
	detect?(args: { text: string; signal?: AbortSignal }): Promise<string | null>;
	/** Which source → target pairs exist (BCP 47 primary language tags). */
	languages(args?: { signal?: AbortSignal }): Promise<LanguagePair[]>;
}

export type TranslateErrorKind =
	/** The request itself was wrong (LibreTranslate 400); retrying will not help. */
	| 'bad_request'
	/** Bad or missing API key (403). */
	| 'forbidden'
	/** The translator asks us to slow down (429). */
	| 'rate_limited'
	/** 5xx, network error, malformed response. */
	| 'unavailable'
	| 'timeout'
	/** The language pair is not offered. */
	| 'unsupported'
	/** The circuit breaker is open: not even tried. */
	| 'circuit_open';

export interface TranslateErrorOptions {
	/** How long the translator asked us to wait (a 429's Retry-After), in ms. */
	retryAfterMs?: number;
	cause?: unknown;
}

export class TranslateError extends Error {
	override name = 'TranslateError';
	readonly retryAfterMs: number | undefined;
	constructor(
		readonly kind: TranslateErrorKind,
		message: string,
		readonly status?: number,
		options: TranslateErrorOptions = {}
	) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.retryAfterMs = options.retryAfterMs;
	}
	/** Worth another try later (the message is then translated by a retry, never lost). */
	get retryable(): boolean {
		return this.kind !== 'bad_request' && this.kind !== 'unsupported' && this.kind !== 'forbidden';
	}
}

/** What chat uses: translations of single texts, cached and merged, never throwing on the send path. */
export interface Translator {
	readonly provider: ProviderName;
	/** Whether a translation from `source` into `target` is worth asking for (false for the same language). */
	needsTranslation(args: { source: string; target: string }): boolean;
	/**
	 * Translates each text (from cache where possible; identical in-flight requests merged).
	 * Rejects with a `TranslateError` when it cannot.
	 */
	translate(req: { texts: string[]; source: string; target: string }): Promise<{ texts: string[]; provider: ProviderName }>;
	/** Cached translation, or undefined; never calls the provider. */
	cached(req: { text: string; source: string; target: string }): Promise<string | undefined>;
	/**
	 * Forgets every translation of these texts, in memory and in the database (a deleted message's words must not
	 * outlive it in another language). Never rejects.
	 */
	forget(req: { texts: readonly string[] }): Promise<void>;
	/** The translation held in memory right now, or undefined: no database, no provider, no waiting. */
	peek(req: { text: string; source: string; target: string }): string | undefined;
	status(): { provider: ProviderName; available: boolean };
	/** Called with the new status whenever the breaker opens or closes. Returns an unsubscribe function. */
	onStatus(listener: (status: { provider: ProviderName; available: boolean }) => void): () => void;
	close(): Promise<void>;
}

/** What `createTranslator` returns: the `Translator` chat uses, plus the provider's languages and detection. */
export interface TranslationService extends Translator {
	/** Which source → target pairs the provider offers (BCP 47 primary tags); cached, [] when off or unreachable. */
	languages(): Promise<LanguagePair[]>;
	/** BCP 47 tag of the most likely language of `text`, or null when the provider cannot tell. Never throws. */
	detect(args: { text: string }): Promise<string | null>;
}
