import { randomUUID } from 'node:crypto';
import { like } from 'drizzle-orm';
import { io } from 'socket.io-client';
import { translations } from '../../server/db/schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatTranslation } from '../../src/lib/protocol/chat';
import { describeApertium, startApertium, type RunningApertium } from '../helpers/apertium';
import { api, createSpace } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk } from '../helpers/chat';
import { startLibreTranslate, type FakeLibreTranslate } from '../helpers/libretranslate';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, nextMatching, waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

type Unavailable = { messageId: string; spaceId: string; lang: string; reason: string };
const translationOf = (socket: ClientSocket, messageId: string, timeoutMs = 10_000) =>
	nextMatching<ChatTranslation>(socket, 'chat:translation', (t) => t.messageId === messageId, timeoutMs);
/** The translation of the message whose original ends with `text` (texts are unique per test). */
const translationWith = (socket: ClientSocket, text: string, timeoutMs = 10_000) =>
	nextMatching<ChatTranslation>(socket, 'chat:translation', (t) => t.text.endsWith(text), timeoutMs);

describe.each(drivers)('chat translation (%s)', (driver) => {
	const sockets = new Sockets();
	afterEach(() => sockets.closeAll());

	describeApertium('with Debian’s Apertium', () => {
		let apertium: RunningApertium;
		let server: TestServer;

		beforeAll(async () => {
			apertium = await startApertium();
			server = await startTestServer({ db: driver, config: { translator: 'apertium', apertiumUrl: apertium.url, chatSendBurst: 10_000 } });
		});
		afterAll(async () => {
			await server?.close();
			await apertium?.close();
		});

		it('a Spanish reader gets the English original at once, then Apertium’s Spanish; an English reader gets no translation', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [
				{ user: { readingLanguage: 'en' } },
				{ user: { readingLanguage: 'es' } },
				{ user: { readingLanguage: 'en-GB' } }
			]);
			const [author, spanish, english] = [members[0]!, members[1]!, members[2]!];
			expect(await request(spanish.socket, 'space:join', { spaceId })).toMatchObject({
				ok: true,
				readingLanguage: 'es',
				translation: { provider: 'apertium', available: true }
			});
			const order: string[] = [];
			spanish.socket.onAny((event: string) => order.push(event));
			const toEnglish = record(english.socket, 'chat:translation');
			const toAuthor = record(author.socket, 'chat:translation');
			const unavailable = [record(english.socket, 'chat:translation-unavailable'), record(spanish.socket, 'chat:translation-unavailable')];

			const clientId = randomUUID();
			const original = nextMessage(spanish.socket, clientId);
			const translated = nextMatching<ChatTranslation>(spanish.socket, 'chat:translation', () => true, 15_000);
			const sent = await sendOk(author.socket, spaceId, 'Hello, my friend', { clientId, lang: 'en' });
			expect(await original).toEqual(sent);
			const translation = await translated;
			expect(translation).toEqual({ messageId: sent.id, spaceId, lang: 'es', text: expect.stringMatching(/amigo/i), provider: 'apertium', editedAt: null });
			expect(order.indexOf('chat:message')).toBeLessThan(order.indexOf('chat:translation'));

			// The English reader's connection is served, and nothing about a translation came to it.
			const later = randomUUID();
			const arrived = nextMessage(english.socket, later);
			await sendOk(author.socket, spaceId, 'See you', { clientId: later, lang: 'en' });
			await arrived;
			expect(toEnglish).toEqual([]);
			expect(toAuthor).toEqual([]);
			expect(unavailable.flat()).toEqual([]);
			expect(order.filter((e) => e === 'chat:translation').length).toBeLessThanOrEqual(2);
		});
	});

	describe('with LibreTranslate', () => {
		let libre: FakeLibreTranslate;
		let server: TestServer;

		beforeAll(async () => {
			libre = await startLibreTranslate();
			server = await startTestServer({ db: driver, config: { translator: 'libretranslate', libreTranslateUrl: libre.url, chatSendBurst: 10_000 } });
		});
		afterEach(() => libre.heal());
		afterAll(async () => {
			await server?.close();
			await libre?.close();
		});

		/** The /translate requests that carried this text. */
		const requestsFor = (text: string) => libre.received.filter((r) => r.q.includes(text));

		it('a message is translated once per reading language present, not once per reader, and never waits for it', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [
				{ user: { readingLanguage: 'en' } },
				{ user: { readingLanguage: 'es' } },
				{ user: { readingLanguage: 'es-MX' } },
				{ user: { readingLanguage: 'fr' } }
			]);
			const [author, es1, es2, fr] = [members[0]!, members[1]!, members[2]!, members[3]!];
			// A second connection of the same Spanish reader counts as the same language, too.
			const es1Again = await sockets.connect(server.url, { token: es1.user.token });
			await request(es1Again, 'space:join', { spaceId });
			const got = [es1.socket, es2.socket, es1Again, fr.socket].map((s) => record<ChatTranslation>(s, 'chat:translation'));

			const text = `Good morning, friend ${randomUUID()}`;
			const clientId = randomUUID();
			libre.delay(500);
			const originals = [es1.socket, es2.socket, fr.socket].map((s) => nextMessage(s, clientId));
			const translations = [es1.socket, es2.socket, es1Again, fr.socket].map((s) => translationWith(s, text));
			await sendOk(author.socket, spaceId, text, { clientId, lang: 'en' });
			await Promise.all(originals);
			// The originals are all there while the translator is still thinking.
			expect(got.flat()).toEqual([]);
			const [t1, t2, t3, t4] = await Promise.all(translations);
			expect(t1).toMatchObject({ lang: 'es', text: `[es] ${text}`, provider: 'libretranslate' });
			expect(t2).toEqual(t1);
			expect(t3).toEqual(t1);
			expect(t4).toMatchObject({ lang: 'fr', text: `[fr] ${text}` });

			const asked = requestsFor(text);
			expect(asked.map((r) => r.target).sort()).toEqual(['es', 'fr']);
			// Nobody got a second copy.
			const sentinel = randomUUID();
			const done = [es1.socket, es2.socket, es1Again, fr.socket].map((s) => nextMessage(s, sentinel));
			await sendOk(author.socket, spaceId, 'ok', { clientId: sentinel, lang: 'fr' });
			await Promise.all(done);
			expect(got.map((list) => list.filter((t) => t.text.endsWith(text)).length)).toEqual([1, 1, 1, 1]);
		});

		it('a phrase translated before comes with its translation in one frame to that language’s readers; others get the original alone', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }, { user: { readingLanguage: 'en-US' } }]);
			const [author, spanish, english] = [members[0]!, members[1]!, members[2]!];
			const text = `See you tomorrow ${randomUUID()}`;
			const first = randomUUID();
			const firstTranslation = translationWith(spanish.socket, text);
			await sendOk(author.socket, spaceId, text, { clientId: first, lang: 'en' });
			await firstTranslation;

			const separateTranslations = record<ChatTranslation>(spanish.socket, 'chat:translation');
			const again = randomUUID();
			const [toSpanish, toEnglish, toAuthor] = [spanish, english, author].map((m) => nextMessage(m.socket, again));
			const sent = await sendOk(author.socket, spaceId, text, { clientId: again, lang: 'en' });
			expect(await toSpanish).toEqual({ ...sent, translation: { messageId: sent.id, spaceId, lang: 'es', text: `[es] ${text}`, provider: 'libretranslate', editedAt: null } });
			expect(await toEnglish).toEqual(sent);
			expect(await toAuthor).toEqual(sent);
			expect(requestsFor(text)).toHaveLength(1);

			// Nothing more about it follows.
			const sentinel = randomUUID();
			const done = nextMessage(spanish.socket, sentinel);
			await sendOk(author.socket, spaceId, 'ok', { clientId: sentinel, lang: 'es' });
			await done;
			expect(separateTranslations.filter((t) => t.messageId === sent.id)).toEqual([]);
		});

		it('history carries cached translations; a reader of a new language gets theirs as events after the page', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const text = `The house is blue ${randomUUID()}`;
			const clientId = randomUUID();
			const translated = translationWith(spanish.socket, text);
			const sent = await sendOk(author.socket, spaceId, text, { clientId, lang: 'en' });
			const live = await translated;

			const page = await request(spanish.socket, 'chat:history', { spaceId });
			expect(page).toEqual({ ok: true, messages: [{ ...sent, translation: live }], hasMore: false });
			const englishPage = await request(author.socket, 'chat:history', { spaceId });
			expect(englishPage).toEqual({ ok: true, messages: [sent], hasMore: false });

			// Someone reading Swahili arrives later: the page comes first, the translation follows to them alone.
			const asked = requestsFor(text).length;
			const swahili = await sockets.connect(server.url, { token: spanish.user.token });
			expect(await request(swahili, 'chat:language', { lang: 'sw' })).toEqual({ ok: true, lang: 'sw' });
			await request(swahili, 'space:join', { spaceId });
			const toSpanish = record<ChatTranslation>(spanish.socket, 'chat:translation');
			const follow = translationOf(swahili, sent.id);
			const swPage = await request(swahili, 'chat:history', { spaceId });
			expect(swPage.ok && swPage.messages[0]!.translation).toBeUndefined();
			expect(await follow).toMatchObject({ messageId: sent.id, lang: 'sw', text: `[sw] ${text}` });
			expect(requestsFor(text).length).toBe(asked + 1);
			expect(toSpanish).toEqual([]);
		});

		it('an edited message is translated again, marked with the edit it was made from; a deleted one is not', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const five = `See you at five ${randomUUID()}`;
			const first = translationWith(spanish.socket, five);
			const sent = await sendOk(author.socket, spaceId, five, { lang: 'en' });
			await first;
			const edited = `See you at six ${randomUUID()}`;
			const updated = nextMatching<ChatMessage>(spanish.socket, 'chat:updated', (m) => m.id === sent.id, 10_000);
			const retranslated = translationWith(spanish.socket, edited);
			await request(author.socket, 'chat:edit', { spaceId, messageId: sent.id, text: edited });
			const message = await updated;
			expect(await retranslated).toMatchObject({ messageId: sent.id, text: `[es] ${edited}`, editedAt: message.editedAt });
			expect(message.editedAt).not.toBeNull();

			const asked = libre.requests.translate;
			const deleted = nextMatching<ChatMessage>(spanish.socket, 'chat:updated', (m) => m.id === sent.id && m.deletedAt !== null);
			await request(author.socket, 'chat:delete', { spaceId, messageId: sent.id });
			await deleted;
			expect(await request(spanish.socket, 'chat:translate', { spaceId, messageId: sent.id })).toMatchObject({ ok: false, error: { code: 'message_deleted' } });
			expect(libre.requests.translate).toBe(asked);
		});

		it('a message deleted while its translation is on the way: the translation is not delivered', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const got = record<ChatTranslation>(spanish.socket, 'chat:translation');
			libre.delay(400);
			try {
				const secret = `My number is 0612345678 ${randomUUID()}`;
				const asked = libre.requests.translate;
				const sent = await sendOk(author.socket, spaceId, secret, { lang: 'en' });
				await waitFor(() => libre.requests.translate > asked, { what: 'the translation to be asked for' });
				const deleted = nextMatching<ChatMessage>(spanish.socket, 'chat:updated', (m) => m.id === sent.id && m.deletedAt !== null);
				await request(author.socket, 'chat:delete', { spaceId, messageId: sent.id });
				await deleted;
				// A later message's translation comes after the deleted one's would have.
				const later = `Sorry, wrong chat ${randomUUID()}`;
				const laterTranslation = translationWith(spanish.socket, later);
				await sendOk(author.socket, spaceId, later, { lang: 'en' });
				await laterTranslation;
				expect(got.map((t) => t.messageId)).not.toContain(sent.id);
			} finally {
				libre.delay(0);
			}
		});

		it('a deleted message’s translations are forgotten: none stays in the table, and the same words are translated afresh', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const secret = `Call me on 0612 345 678 ${randomUUID()}`;
			const translated = translationWith(spanish.socket, secret);
			const sent = await sendOk(author.socket, spaceId, secret, { lang: 'en' });
			await translated;
			const stored = () => server.db.select({ key: translations.key }).from(translations).where(like(translations.text, `%${secret.slice(-36)}`));
			await waitFor(async () => (await stored()).length > 0, { what: 'the translation to be stored', timeoutMs: 15_000 });

			expect(await request(author.socket, 'chat:delete', { spaceId, messageId: sent.id })).toMatchObject({ ok: true });
			await waitFor(async () => (await stored()).length === 0, { what: 'the stored translation to be forgotten', timeoutMs: 15_000 });

			// Not from memory either: the same words go to the translator again.
			const again = translationWith(spanish.socket, secret);
			await sendOk(author.socket, spaceId, secret, { lang: 'en' });
			await again;
			expect(requestsFor(secret)).toHaveLength(2);
		});

		it('switching the reading language moves the connection to that language’s translations, through a reconnect too', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, reader] = [members[0]!, members[1]!];
			const socket: ClientSocket = io(server.url, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { token: reader.user.token }, reconnectionDelay: 100, reconnectionDelayMax: 200 });
			try {
				await nextEvent(socket, 'connect');
				expect(await request(socket, 'chat:language', { lang: 'fr-CA' })).toEqual({ ok: true, lang: 'fr-CA' });
				expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true, readingLanguage: 'fr-CA' });
				const got = record<ChatTranslation>(socket, 'chat:translation');

				const first = `Thanks a lot ${randomUUID()}`;
				const toFrench = translationWith(socket, first);
				const toSpanish = translationWith(reader.socket, first);
				await sendOk(author.socket, spaceId, first, { lang: 'en' });
				expect(await toFrench).toMatchObject({ lang: 'fr' });
				// The other connection of the same person still reads Spanish.
				expect(await toSpanish).toMatchObject({ lang: 'es' });

				const dropped = nextEvent(socket, 'disconnect');
				(socket.io.engine as unknown as { close(): void }).close();
				await dropped;
				await nextEvent(socket, 'connect', 10_000);
				expect(socket.recovered).toBe(true);
				const second = `Good night ${randomUUID()}`;
				const afterRecovery = translationWith(socket, second);
				await sendOk(author.socket, spaceId, second, { lang: 'en' });
				expect(await afterRecovery).toMatchObject({ lang: 'fr', text: `[fr] ${second}` });
				expect(got.map((t) => t.lang)).toEqual(['fr', 'fr']);

				expect(await request(socket, 'chat:language', { lang: 'es' })).toEqual({ ok: true, lang: 'es' });
				const third = `Good morning ${randomUUID()}`;
				const afterSwitch = translationWith(socket, third);
				await sendOk(author.socket, spaceId, third, { lang: 'en' });
				expect(await afterSwitch).toMatchObject({ lang: 'es' });
				expect(got.map((t) => t.lang)).toEqual(['fr', 'fr', 'es']);
			} finally {
				socket.close();
			}
		});

		it('while the translator fails, originals still arrive and readers hear translation is unavailable; a retry fills it in', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			libre.fail({ status: 500 });
			const clientId = randomUUID();
			const original = nextMessage(spanish.socket, clientId);
			const text = `Where is the library ${randomUUID()}`;
			const unavailable = nextMatching<Unavailable>(spanish.socket, 'chat:translation-unavailable', () => true, 15_000);
			const asked = libre.requests.translate;
			const sent = await sendOk(author.socket, spaceId, text, { clientId, lang: 'en' });
			expect(await original).toEqual(sent);
			expect(await unavailable).toEqual({ messageId: sent.id, spaceId, lang: 'es', reason: 'unavailable' });
			expect(libre.requests.translate).toBeGreaterThan(asked);

			libre.heal();
			const filled = translationOf(spanish.socket, sent.id);
			expect(await request(spanish.socket, 'chat:translate', { spaceId, messageId: sent.id })).toEqual({ ok: true });
			expect(await filled).toMatchObject({ messageId: sent.id, lang: 'es', text: `[es] ${text}`, provider: 'libretranslate' });
			// A reader whose language is the original's has nothing to retry.
			const before = libre.requests.translate;
			expect(await request(author.socket, 'chat:translate', { spaceId, messageId: sent.id })).toEqual({ ok: true });
			expect(libre.requests.translate).toBe(before);
		});

		it('someone taken out of the space gets no more translations from it', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [
				{ user: { readingLanguage: 'en' } },
				{ user: { readingLanguage: 'es' } },
				{ user: { readingLanguage: 'es' } }
			]);
			const [author, staying, leaving] = [members[0]!, members[1]!, members[2]!];
			const leaked = record(leaving.socket, 'chat:translation');
			const res = await api(server.url, `/api/v1/spaces/${spaceId}/membership`, { method: 'DELETE', token: leaving.user.token });
			expect(res.status).toBe(204);
			const text = `Bye for now ${randomUUID()}`;
			const arrived = translationWith(staying.socket, text);
			await sendOk(author.socket, spaceId, text, { lang: 'en' });
			await arrived;
			// The leaver's connection still works: a message in a space of their own reaches them.
			const own = await createSpace(server.url, leaving.user);
			await request(leaving.socket, 'space:join', { spaceId: own });
			const clientId = randomUUID();
			const mine = nextMessage(leaving.socket, clientId);
			await sendOk(leaving.socket, own, 'still here', { clientId });
			await mine;
			expect(leaked).toEqual([]);
		});

		// Last: it leaves this server's circuit breaker open.
		it('when the translator is gone, everyone is told translation is unavailable and chat goes on untranslated', async () => {
			const { spaceId, members } = await chatSpace(server, sockets, [{ user: { readingLanguage: 'en' } }, { user: { readingLanguage: 'es' } }]);
			const [author, spanish] = [members[0]!, members[1]!];
			const status = [nextEvent(author.socket, 'translation:status', 30_000), nextEvent(spanish.socket, 'translation:status', 30_000)];
			await libre.close();
			const sent: ChatMessage[] = [];
			for (let i = 0; i < 3; i++) {
				const clientId = randomUUID();
				const arrived = nextMessage(spanish.socket, clientId);
				const unavailable = nextMatching<Unavailable>(spanish.socket, 'chat:translation-unavailable', () => true, 20_000);
				sent.push(await sendOk(author.socket, spaceId, `Message ${i} ${randomUUID()}`, { clientId, lang: 'en' }));
				await arrived;
				expect(await unavailable).toMatchObject({ messageId: sent[i]!.id, reason: 'unavailable' });
			}
			expect(await Promise.all(status)).toEqual([
				{ provider: 'libretranslate', available: false },
				{ provider: 'libretranslate', available: false }
			]);
			expect(await request(spanish.socket, 'space:join', { spaceId })).toMatchObject({ translation: { provider: 'libretranslate', available: false } });
			const page = await request(spanish.socket, 'chat:history', { spaceId });
			expect(page.ok && page.messages.map((m) => m.id)).toEqual(sent.map((m) => m.id));
		});
	});
});
