import { randomUUID } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { moderationQueue, translations } from '../../server/db/schema';
import type { ChatMessage, ChatTranslation } from '../../src/lib/protocol/chat';
import { api, newUser, type TestUser } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk } from '../helpers/chat';
import { startLibreTranslate, type FakeLibreTranslate } from '../helpers/libretranslate';
import { minorBirthDate, newModerator, supervisedSpace } from '../helpers/moderation';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextMatching, waitFor } from '../helpers/wait';

const drivers = await availableDrivers();
type Unavailable = { messageId: string; spaceId: string; lang: string; reason: string };

/**
 * Word lists apply to translations too. The stand-in LibreTranslate translates by tagging ("[es] text"), so a
 * test hook plays the Spanish list here: it flags Spanish translations that carry a marker.
 */
describe.each(drivers)('moderation of translations (%s)', (driver) => {
	let libre: FakeLibreTranslate;
	let server: TestServer;
	const sockets = new Sockets();

	let moderator: TestUser;

	beforeAll(async () => {
		// German number words come out as digits, as a real translator writes them.
		libre = await startLibreTranslate({ glossary: { eins: '1', zwei: '2', drei: '3', vier: '4', fünf: '5', sechs: '6' } });
		server = await startTestServer({ db: driver, config: { translator: 'libretranslate', libreTranslateUrl: libre.url, chatSendBurst: 10_000 } });
		const admin = await newUser(server.url, { role: 'mentor' });
		moderator = await newModerator(server.url, admin);
	});
	afterEach(() => sockets.closeAll());
	afterAll(async () => {
		await server?.close();
		await libre?.close();
	});

	it('a moderator’s delete forgets the message’s translations: none in the table or the translator’s memory, none in history', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
		const [author, spanish] = [members[0]!, members[1]!];
		const secret = `Call me on 0612 345 678 ${randomUUID()}`;
		const translated = nextMatching<ChatTranslation>(spanish.socket, 'chat:translation', (t) => t.text.endsWith(secret), 10_000);
		const sent = await sendOk(author.socket, spaceId, secret, { lang: 'en' });
		expect(await translated).toMatchObject({ messageId: sent.id, text: `[es] ${secret}` });
		const stored = () => server.db.select({ key: translations.key }).from(translations).where(like(translations.text, `%${secret.slice(-36)}`));
		await waitFor(async () => (await stored()).length > 0, { what: 'the translation to be stored', timeoutMs: 15_000 });
		const inHistory = async () => {
			const page = await request(spanish.socket, 'chat:history', { spaceId });
			if (!page.ok) throw new Error(page.error.code);
			return page.messages.find((m) => m.id === sent.id);
		};
		expect((await inHistory())?.translation).toMatchObject({ text: `[es] ${secret}` });

		const res = await api(server.url, `/api/v1/moderation/messages/${sent.id}`, { method: 'DELETE', token: moderator.token, body: { reason: 'contact details' } });
		expect(res.status).toBe(200);
		// Gone by the time the moderator is answered: from the table and from memory.
		expect(await stored()).toEqual([]);
		expect(server.app.translator.peek({ text: secret, source: 'en', target: 'es' })).toBeUndefined();
		expect(await server.app.translator.cached({ text: secret, source: 'en', target: 'es' })).toBeUndefined();
		const after = await inHistory();
		expect(after).toMatchObject({ text: '', deletedAt: expect.any(String) });
		expect(after?.translation).toBeUndefined();

		// The same words sent again are translated afresh, not served from a cache.
		const requestsBefore = libre.requests.translate;
		const again = nextMatching<ChatTranslation>(spanish.socket, 'chat:translation', (t) => t.text.endsWith(secret), 10_000);
		const second = await sendOk(author.socket, spaceId, secret, { lang: 'en' });
		expect(await again).toMatchObject({ messageId: second.id });
		expect(libre.requests.translate).toBeGreaterThan(requestsBefore);
	});

	it('a translation that hits a list is not delivered, readers keep the original, and the message goes to the queue', async () => {
		const marker = `flagged-${randomUUID().slice(0, 8)}`;
		const off = server.app.moderation.pipeline.use({
			name: 'test: spanish list',
			checkTranslation: (ctx) => (ctx.lang === 'es' && ctx.text.startsWith('[es]') && ctx.text.includes(marker) ? { action: 'hold', reason: 'grooming' } : undefined)
		});
		try {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const translations = record<ChatTranslation>(spanish.socket, 'chat:translation');

			const clientId = randomUUID();
			const original = nextMessage(spanish.socket, clientId);
			const unavailable = nextMatching<Unavailable>(spanish.socket, 'chat:translation-unavailable', () => true, 10_000);
			const sent = await sendOk(author.socket, spaceId, `a story about ${marker}`, { clientId, lang: 'en' });
			expect((await original).text).toBe(`a story about ${marker}`);
			expect(await unavailable).toMatchObject({ messageId: sent.id, reason: 'unavailable' });

			const entries = await waitFor(async () => {
				const rows = await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, sent.id));
				return rows.length > 0 ? rows : undefined;
			});
			expect(entries).toEqual([expect.objectContaining({ kind: 'chat-translation', lang: 'es', hook: 'test: spanish list', reason: 'grooming', status: 'held' })]);

			// Sent again, its translation is now in the translator's memory: it still does not ride along with the message.
			const again = randomUUID();
			const secondArrives = nextMatching<ChatMessage & { translation?: ChatTranslation }>(spanish.socket, 'chat:message', (m) => m.clientId === again);
			const secondUnavailable = nextMatching<Unavailable>(spanish.socket, 'chat:translation-unavailable', (u) => u.messageId !== sent.id, 10_000);
			await sendOk(author.socket, spaceId, `a story about ${marker}`, { clientId: again, lang: 'en' });
			expect((await secondArrives).translation).toBeUndefined();
			await secondUnavailable;

			// History carries no translation for either, and a retry gets none.
			const history = await request(spanish.socket, 'chat:history', { spaceId });
			expect(history.ok && history.messages.every((m) => !m.translation)).toBe(true);
			const retried = nextMatching<Unavailable>(spanish.socket, 'chat:translation-unavailable', (u) => u.messageId === sent.id, 10_000);
			expect(await request(spanish.socket, 'chat:translate', { spaceId, messageId: sent.id })).toEqual({ ok: true });
			await retried;
			expect(translations).toEqual([]);

			// Other messages are translated as usual.
			const plain = randomUUID();
			const translated = nextMatching<ChatTranslation>(spanish.socket, 'chat:translation', () => true, 10_000);
			const ok = await sendOk(author.socket, spaceId, 'see you tomorrow', { clientId: plain, lang: 'en' });
			expect(await translated).toMatchObject({ messageId: ok.id, text: '[es] see you tomorrow' });
		} finally {
			off();
		}
	});

	it('a phone number that appears only once translated is not delivered where a minor is: the minor keeps the original and the translation goes to the queue', async () => {
		const [adult, minor] = await Promise.all([newUser(server.url, { role: 'mentor', readingLanguage: 'de' }), newUser(server.url, { birthDate: minorBirthDate(), readingLanguage: 'es' })]);
		const spaceId = await supervisedSpace(server.url, { owner: adult, supervisor: moderator, members: [minor] });
		const [adultSocket, minorSocket] = await Promise.all([adult, minor].map((who) => sockets.connect(server.url, { token: who.token })));
		for (const socket of [adultSocket!, minorSocket!]) expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const translations = record<ChatTranslation>(minorSocket!, 'chat:translation');

		// Seven number words in German pass the contact filter (it reads English, Spanish and French); in Spanish they are digits.
		const clientId = randomUUID();
		// The tag that makes the text unique has no digits: seven of them would make a phone number of their own.
		const tag = randomUUID().slice(0, 8).replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
		const text = `meine Nummer: sechs eins zwei drei vier fünf sechs ${tag}`;
		const original = nextMessage(minorSocket!, clientId);
		const unavailable = nextMatching<Unavailable>(minorSocket!, 'chat:translation-unavailable', () => true, 10_000);
		const sent = await sendOk(adultSocket!, spaceId, text, { clientId, lang: 'de' });
		expect((await original).text).toBe(text);
		expect(await unavailable).toMatchObject({ messageId: sent.id, reason: 'unavailable' });
		expect(translations).toEqual([]);

		const entries = await waitFor(async () => {
			const rows = await server.db.select().from(moderationQueue).where(eq(moderationQueue.targetId, sent.id));
			return rows.length > 0 ? rows : undefined;
		});
		expect(entries).toEqual([expect.objectContaining({ kind: 'chat-translation', lang: 'es', hook: 'contact_details', reason: 'contact_phone', status: 'held' })]);
	});
});
