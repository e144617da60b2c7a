import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db';
import { translations } from '../../server/db/schema';
import { createLogger, type Logger } from '../../server/logger';
import { translationKey } from '../../server/translate/cache-key';
import { createTranslator, TranslateError, type TranslationService, type TranslatorOptions } from '../../server/translate';
import { createLibreTranslateProvider } from '../../server/translate/libretranslate';
import { startLibreTranslate, type FakeLibreTranslate } from '../helpers/libretranslate';
import { availableDrivers } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { createStore, openStore, type Store } from '../helpers/yjs-store';

const drivers = await availableDrivers();
const API_KEY = 'lt-key-7f3a9c';

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<TranslateError> {
	const outcome = await promise.then(
		() => null,
		(e: unknown) => e
	);
	if (!(outcome instanceof TranslateError)) throw new Error(`expected a TranslateError, got ${String(outcome)}`);
	return outcome;
}

describe.each(drivers)('translation service over LibreTranslate (%s)', (driver) => {
	let store: Store;
	let database: Database;
	let lt: FakeLibreTranslate;
	const logger = createLogger({ level: 'silent' });
	const opened: TranslationService[] = [];

	beforeAll(async () => {
		store = await createStore(driver);
		database = await openStore(store);
	});
	afterAll(async () => {
		await database?.close();
		await store?.drop();
	});
	beforeEach(async () => {
		await database.db.delete(translations);
		lt = await startLibreTranslate({ apiKeys: [API_KEY] });
	});
	afterEach(async () => {
		for (const t of opened.splice(0)) await t.close();
		await lt.close();
	});

	function translator({
		options = {},
		timeoutMs = 2_000,
		apiKey = API_KEY,
		url = lt.url,
		log = logger
	}: { options?: Partial<TranslatorOptions>; timeoutMs?: number; apiKey?: string; url?: string; log?: Logger } = {}): TranslationService {
		const t = createTranslator({
			db: database.db,
			logger: log,
			config: {
				translator: 'libretranslate',
				libreTranslateUrl: url,
				libreTranslateApiKey: apiKey || undefined,
				apertiumUrl: undefined,
				translateTimeoutMs: timeoutMs,
				translateCacheEntries: 100
			},
			options: { backoffBaseMs: 10, backoffMaxMs: 40, breakerCooldownMs: 300, ...options }
		});
		opened.push(t);
		return t;
	}

	it('translates a batch in one request, q as an array, with the API key', async () => {
		const t = translator();
		const out = await t.translate({ texts: ['Hello', 'Good morning', 'Hello'], source: 'en', target: 'es' });
		expect(out).toEqual({ texts: ['[es] Hello', '[es] Good morning', '[es] Hello'], provider: 'libretranslate' });
		expect(lt.requests.translate).toBe(1);
		expect(lt.received).toEqual([{ q: ['Hello', 'Good morning'], source: 'en', target: 'es', apiKey: API_KEY }]);
	});

	it('a second call for the same text makes no request', async () => {
		const t = translator();
		await t.translate({ texts: ['See you tomorrow'], source: 'en', target: 'es' });
		const again = await t.translate({ texts: ['See you tomorrow'], source: 'en', target: 'es' });
		expect(again.texts).toEqual(['[es] See you tomorrow']);
		expect(lt.requests.translate).toBe(1);
	});

	it('a new translator over the same database makes no request: the table outlives a restart', async () => {
		const first = translator();
		await first.translate({ texts: ['Welcome to the studio'], source: 'en', target: 'pt-BR' });
		await first.close();
		const rows = await database.db.select().from(translations);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({
			key: translationKey({ provider: 'libretranslate', source: 'en', target: 'pt-BR', text: 'Welcome to the studio' }),
			provider: 'libretranslate',
			source: 'en',
			target: 'pt-BR',
			text: '[pt] Welcome to the studio'
		});

		const second = translator();
		expect(await second.cached({ text: 'Welcome to the studio', source: 'en', target: 'pt-BR' })).toBe('[pt] Welcome to the studio');
		const out = await second.translate({ texts: ['Welcome to the studio'], source: 'en', target: 'pt-BR' });
		expect(out.texts).toEqual(['[pt] Welcome to the studio']);
		expect(lt.requests.translate).toBe(1);
	});

	it('asks once per text and target language, whatever the mix of calls', async () => {
		const t = translator();
		await t.translate({ texts: ['a cat', 'a dog'], source: 'en', target: 'es' });
		await t.translate({ texts: ['a dog', 'a bird'], source: 'en', target: 'es' });
		await t.translate({ texts: ['a dog', 'a bird'], source: 'en', target: 'sw' });
		await t.translate({ texts: ['a cat', 'a bird'], source: 'en', target: 'sw' });
		expect(lt.received.map(({ q, target }) => ({ q, target }))).toEqual([
			{ q: ['a cat', 'a dog'], target: 'es' },
			{ q: ['a bird'], target: 'es' },
			{ q: ['a dog', 'a bird'], target: 'sw' },
			{ q: ['a cat'], target: 'sw' }
		]);
	});

	it('merges 10 concurrent identical requests into one upstream request', async () => {
		const t = translator();
		lt.delay(150);
		const results = await Promise.all(Array.from({ length: 10 }, () => t.translate({ texts: ['Are you coming?'], source: 'en', target: 'fr' })));
		for (const r of results) expect(r.texts).toEqual(['[fr] Are you coming?']);
		expect(lt.requests.translate).toBe(1);
	});

	it('merged callers share a failure too, and a later call asks again', async () => {
		const t = translator({ options: { retries: 0 } });
		lt.fail({ status: 500, count: 1 });
		const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => t.translate({ texts: ['once'], source: 'en', target: 'es' })));
		expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
		expect(lt.requests.translate).toBe(1);
		expect((await t.translate({ texts: ['once'], source: 'en', target: 'es' })).texts).toEqual(['[es] once']);
		expect(lt.requests.translate).toBe(2);
	});

	it("leaves text in the reader's language alone and asks nothing", async () => {
		const t = translator();
		expect(t.needsTranslation({ source: 'pt-BR', target: 'pt' })).toBe(false);
		expect(t.needsTranslation({ source: 'en', target: 'es' })).toBe(true);
		expect((await t.translate({ texts: ['Colour'], source: 'en-GB', target: 'en-US' })).texts).toEqual(['Colour']);
		expect(lt.requests.translate).toBe(0);
	});

	it("detects the source with 'auto' and through /detect", async () => {
		const t = translator();
		expect((await t.translate({ texts: ['Hola amigo'], source: 'auto', target: 'en' })).texts).toEqual(['[en] Hola amigo']);
		expect(lt.received[0]?.source).toBe('auto');
		expect(await t.detect({ text: 'Bonjour, merci' })).toBe('fr');
		expect(await t.detect({ text: 'zzz qqq' })).toBeNull();
		expect(lt.requests.detect).toBe(2);

		// The provider reads detectedLanguage as one object (single q) or one per text (array q).
		const provider = createLibreTranslateProvider({ url: lt.url, apiKey: API_KEY });
		const batch = await provider.translate({ texts: ['Hola amigo', 'Bonjour merci'], source: 'auto', target: 'en' });
		expect(batch.detectedSources).toEqual(['es', 'fr']);
		expect(batch.detectedSource).toBe('es');
	});

	it('lists languages as BCP 47 pairs, once', async () => {
		const t = translator();
		const pairs = await t.languages();
		expect(pairs.find((p) => p.source === 'en')?.targets).toEqual(expect.arrayContaining(['es', 'pt', 'sw', 'zh']));
		expect(pairs.some((p) => p.source === 'zt')).toBe(false);
		await t.languages();
		expect(lt.requests.languages).toBe(1);
	});

	it('maps a wrong API key (403) and a missing one (400) to forbidden, without retrying or naming the key', async () => {
		const wrong = await rejection(translator({ apiKey: 'not-the-key' }).translate({ texts: ['Hi'], source: 'en', target: 'es' }));
		expect(wrong).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
		expect(wrong.message).toContain('Invalid API key');
		expect(wrong.message).not.toContain('not-the-key');

		const none = await rejection(translator({ apiKey: '' }).translate({ texts: ['Hi'], source: 'en', target: 'es' }));
		expect(none).toMatchObject({ kind: 'forbidden', status: 400 });
		expect(none.message).toContain('LIBRETRANSLATE_API_KEY');
		expect(lt.requests.translate).toBe(2);
	});

	it('maps 400 to bad_request or unsupported, and does not retry them', async () => {
		const t = translator();
		const unsupported = await rejection(t.translate({ texts: ['Hi'], source: 'en', target: 'xh' }));
		expect(unsupported).toMatchObject({ kind: 'unsupported', status: 400 });
		expect(unsupported.message).toContain('xh is not supported');
		lt.fail({ status: 400, count: 1, error: 'Invalid request: request (5001) exceeds text limit (5000)' });
		expect(await rejection(t.translate({ texts: ['long'], source: 'en', target: 'es' }))).toMatchObject({ kind: 'bad_request', status: 400 });
		expect(await rejection(t.translate({ texts: ['Hi'], source: 'en', target: 'not a tag' }))).toMatchObject({ kind: 'bad_request' });
		expect(lt.requests.translate).toBe(2);
		expect(t.status().available).toBe(true);
	});

	it('gives up on a slow translator after the timeout, each try', async () => {
		lt.delay(2_000);
		const once = translator({ timeoutMs: 150, options: { retries: 0 } });
		let started = Date.now();
		expect(await rejection(once.translate({ texts: ['slow'], source: 'en', target: 'es' }))).toMatchObject({ kind: 'timeout' });
		expect(Date.now() - started).toBeLessThan(1_000);

		const thrice = translator({ timeoutMs: 150, options: { retries: 2 } });
		started = Date.now();
		expect(await rejection(thrice.translate({ texts: ['slower'], source: 'en', target: 'es' }))).toMatchObject({ kind: 'timeout' });
		// Three tries of 150 ms and two short backoffs: well under the 2 s the server would take.
		expect(Date.now() - started).toBeLessThan(1_500);
		expect(lt.requests.translate).toBe(4);
	});

	it('retries a 500 and succeeds', async () => {
		lt.fail({ status: 500, count: 2 });
		const t = translator();
		expect((await t.translate({ texts: ['third time lucky'], source: 'en', target: 'es' })).texts).toEqual(['[es] third time lucky']);
		expect(lt.requests.translate).toBe(3);
	});

	it('waits as long as a 429 asks before retrying, and fails at once when it asks too much', async () => {
		lt.fail({ status: 429, count: 1, retryAfterSeconds: 1 });
		const t = translator({ options: { maxRetryAfterMs: 5_000 } });
		const started = Date.now();
		expect((await t.translate({ texts: ['patience'], source: 'en', target: 'es' })).texts).toEqual(['[es] patience']);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
		expect(lt.requests.translate).toBe(2);

		lt.fail({ status: 429, count: 1, retryAfterSeconds: 60 });
		const limited = await rejection(t.translate({ texts: ['impatience'], source: 'en', target: 'es' }));
		expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000 });
		expect(lt.requests.translate).toBe(3);
	});

	it('opens the circuit after consecutive failures, refuses at once, keeps serving the cache, and recovers after the cooldown', async () => {
		const t = translator({ options: { retries: 0, breakerThreshold: 3, breakerCooldownMs: 400 } });
		const statuses: boolean[] = [];
		t.onStatus((s) => statuses.push(s.available));
		await t.translate({ texts: ['known'], source: 'en', target: 'es' });

		lt.fail({ status: 500 });
		for (const text of ['one', 'two', 'three']) expect(await rejection(t.translate({ texts: [text], source: 'en', target: 'es' }))).toMatchObject({ kind: 'unavailable', status: 500 });
		expect(t.status()).toEqual({ provider: 'libretranslate', available: false });
		expect(statuses).toEqual([false]);
		const asked = lt.requests.translate;

		const started = Date.now();
		const refused = await rejection(t.translate({ texts: ['four'], source: 'en', target: 'es' }));
		expect(refused).toMatchObject({ kind: 'circuit_open', retryable: true });
		expect(Date.now() - started).toBeLessThan(200);
		expect(lt.requests.translate).toBe(asked);
		expect((await t.translate({ texts: ['known'], source: 'en', target: 'es' })).texts).toEqual(['[es] known']);

		// After the cooldown it probes by itself with a text that failed; still down, so it stays open.
		await waitFor(() => lt.requests.translate > asked, { what: 'a probe after the cooldown' });
		expect(t.status().available).toBe(false);

		lt.heal();
		await waitFor(() => t.status().available, { what: 'the circuit to close again', timeoutMs: 5_000 });
		expect(statuses).toEqual([false, true]);
		// The probe (the last text that could not be translated) is kept, and new texts go through again.
		const probes = lt.requests.translate;
		expect((await t.translate({ texts: ['four'], source: 'en', target: 'es' })).texts).toEqual(['[es] four']);
		expect(lt.requests.translate).toBe(probes);
		expect((await t.translate({ texts: ['five'], source: 'en', target: 'es' })).texts).toEqual(['[es] five']);
	});

	it('close() aborts requests in flight', async () => {
		lt.delay(5_000);
		const t = translator({ timeoutMs: 10_000 });
		const pending = t.translate({ texts: ['never mind'], source: 'en', target: 'es' });
		await waitFor(() => lt.requests.translate === 1, { what: 'the request to reach the server' });
		const started = Date.now();
		await t.close();
		expect(await rejection(pending)).toMatchObject({ kind: 'unavailable' });
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(await rejection(t.translate({ texts: ['after'], source: 'en', target: 'es' }))).toMatchObject({ kind: 'unavailable' });
	});

	it('never throws synchronously: an unreachable translator rejects within its bound', async () => {
		await lt.close();
		const t = translator({ url: lt.url, timeoutMs: 500, options: { retries: 1 } });
		let call: Promise<unknown> | undefined;
		expect(() => (call = t.translate({ texts: ['anyone?'], source: 'en', target: 'es' }))).not.toThrow();
		const e = await rejection(call!);
		expect(e.kind).toBe('unavailable');
		expect(e.message).toContain('unreachable');
		expect(await t.languages()).toEqual([]);
		expect(await t.detect({ text: 'anyone?' })).toBeNull();
		lt = await startLibreTranslate();
	});

	it('logs neither texts nor the API key', async () => {
		const lines: string[] = [];
		const log = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
		const t = translator({ log, options: { retries: 1, breakerThreshold: 2, breakerCooldownMs: 100 } });
		await t.translate({ texts: ['my secret plans'], source: 'en', target: 'es' });
		lt.fail({ status: 500, error: 'Cannot translate text: my other secret' });
		await rejection(t.translate({ texts: ['my other secret'], source: 'en', target: 'es' }));
		await waitFor(() => lines.some((l) => l.includes('circuit open')), { what: 'the breaker log line' });
		lt.heal();
		await waitFor(() => t.status().available, { what: 'recovery' });
		await t.close();
		const all = lines.join('\n');
		expect(all).toContain('"ns":"translate"');
		expect(all).not.toContain('secret');
		expect(all).not.toContain(API_KEY);
	});

	it("with translator 'none' every text stays as written", async () => {
		const t = createTranslator({
			db: database.db,
			logger,
			config: { translator: 'none', libreTranslateUrl: undefined, libreTranslateApiKey: undefined, apertiumUrl: undefined, translateTimeoutMs: 1000, translateCacheEntries: 10 }
		});
		expect(t.provider).toBe('none');
		expect(t.status()).toEqual({ provider: 'none', available: false });
		expect(t.needsTranslation({ source: 'en', target: 'es' })).toBe(false);
		expect(await rejection(t.translate({ texts: ['Hi'], source: 'en', target: 'es' }))).toMatchObject({ kind: 'unsupported' });
		expect(await t.cached({ text: 'Hi', source: 'en', target: 'es' })).toBeUndefined();
		await t.close();
	});
});
