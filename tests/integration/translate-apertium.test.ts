import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db';
import { translations } from '../../server/db/schema';
import { createLogger } from '../../server/logger';
import { createApertiumProvider } from '../../server/translate/apertium';
import { createTranslator, TranslateError, type TranslationService } from '../../server/translate';
import { describeApertium, startApertium, type RunningApertium } from '../helpers/apertium';
import { availableDrivers } from '../helpers/server';
import { createStore, openStore, type Store } from '../helpers/yjs-store';

const drivers = await availableDrivers();
const logger = createLogger({ level: 'silent' });

describeApertium("Debian's Apertium APY", () => {
	let apy: RunningApertium;
	beforeAll(async () => {
		apy = await startApertium();
	});
	afterAll(async () => {
		await apy?.close();
	});

	describe('the provider', () => {
		it('lists its pairs in BCP 47, variants included', async () => {
			const provider = createApertiumProvider({ url: apy.url });
			const pairs = await provider.languages();
			expect(pairs).toEqual(expect.arrayContaining([{ source: 'en', targets: ['es'] }, { source: 'es', targets: ['en'] }]));
		});

		it('translates each text of a batch, in order, with unknown words left unmarked', async () => {
			const provider = createApertiumProvider({ url: apy.url });
			// The first request to a pair starts its pipeline, which takes a moment.
			const { texts } = await provider.translate({ texts: ['Good morning', 'Thank you', 'The house is blue', 'Hello xyzzyq'], source: 'en', target: 'es' });
			expect(texts).toHaveLength(4);
			expect(texts[0]).toMatch(/Buenos días/i);
			expect(texts[2]).toMatch(/casa/i);
			expect(texts[3]).toContain('xyzzyq');
			expect(texts[3]).not.toContain('*');
		});

		it('uses a regional pair (spa-eng_US) when the reader asks for that region, the plain one otherwise', async () => {
			const provider = createApertiumProvider({ url: apy.url });
			const text = 'El color de la casa es gris';
			expect((await provider.translate({ texts: [text], source: 'es-MX', target: 'en-US' })).texts[0]).toMatch(/\bcolor\b.*\bgray\b/);
			expect((await provider.translate({ texts: [text], source: 'es', target: 'en' })).texts[0]).toMatch(/\bcolour\b.*\bgrey\b/);
		});

		it('refuses a pair that is not installed, and source detection, as unsupported', async () => {
			const provider = createApertiumProvider({ url: apy.url });
			await expect(provider.translate({ texts: ['Hello'], source: 'en', target: 'fr' })).rejects.toMatchObject({ kind: 'unsupported' });
			await expect(provider.translate({ texts: ['Hello'], source: 'auto', target: 'es' })).rejects.toMatchObject({ kind: 'unsupported' });
		});
	});

	describe.each(drivers)('through the translation service (%s)', (driver) => {
		let store: Store;
		let database: Database;
		const opened: TranslationService[] = [];
		beforeAll(async () => {
			store = await createStore(driver);
			database = await openStore(store);
		});
		afterAll(async () => {
			await database?.close();
			await store?.drop();
		});
		afterEach(async () => {
			for (const t of opened.splice(0)) await t.close();
		});

		function translator(apertiumUrl = apy.url): TranslationService {
			const t = createTranslator({
				db: database.db,
				logger,
				config: { translator: 'apertium', libreTranslateUrl: undefined, libreTranslateApiKey: undefined, apertiumUrl, translateTimeoutMs: 15_000, translateCacheEntries: 100 },
				options: { retries: 0 }
			});
			opened.push(t);
			return t;
		}

		it('"Hello, my friend" in English reaches a Spanish reader in Spanish', async () => {
			const t = translator();
			expect(t.provider).toBe('apertium');
			const out = await t.translate({ texts: ['Hello, my friend'], source: 'en', target: 'es' });
			expect(out.provider).toBe('apertium');
			expect(out.texts[0]).toMatch(/amigo/i);
			expect(out.texts[0]).not.toContain('*');
		});

		it('keeps the translation in the database, so a restarted service needs no Apertium for it', async () => {
			const first = translator();
			const [spanish] = (await first.translate({ texts: ['I like to draw'], source: 'en', target: 'es' })).texts;
			await first.close();
			expect(await database.db.select({ provider: translations.provider, text: translations.text }).from(translations)).toContainEqual({ provider: 'apertium', text: spanish });

			// Nothing listens here: the answer can only come from the table.
			const offline = translator('http://127.0.0.1:9');
			expect((await offline.translate({ texts: ['I like to draw'], source: 'en', target: 'es' })).texts).toEqual([spanish]);
			await expect(offline.translate({ texts: ['Something new'], source: 'en', target: 'es' })).rejects.toBeInstanceOf(TranslateError);
		});

		it('lists languages in BCP 47', async () => {
			const pairs = await translator().languages();
			expect(pairs).toEqual(expect.arrayContaining([{ source: 'en', targets: ['es'] }, { source: 'es', targets: ['en'] }]));
		});
	});
});
