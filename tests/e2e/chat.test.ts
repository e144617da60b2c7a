import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import es from '../../messages/es.json';
import { rm } from 'node:fs/promises';
import { startServer } from '../../server/http/server';
import { describeApertium, startApertium, type RunningApertium } from '../helpers/apertium';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

const lead = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const amal = { email: uniqueEmail('amal'), password: 'my cat sleeps on the piano', displayName: 'Amal', readingLanguage: 'en' };
const lucia = { email: uniqueEmail('lucia'), password: 'tea at five under the old oak', displayName: 'Lucía', readingLanguage: 'es', country: 'ES', timezone: 'Europe/Madrid' };
const omar = { email: uniqueEmail('omar'), password: 'quiet owls watch the river', displayName: 'عمر', readingLanguage: 'ar', country: 'EG', timezone: 'Africa/Cairo' };

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);

describeBrowser('chat: two people, two languages, one conversation', () => {
	describeApertium('with Apertium translating', () => {
		let apertium: RunningApertium;
		let app: E2eServer;
		let browser: Browser;
		let amalContext: BrowserContext;
		let luciaContext: BrowserContext;
		let a: Page;
		let b: Page;
		let spaceUrl = '';
		let amalId = '';

		async function signIn(request: APIRequestContext, person: { email: string; password: string }) {
			const res = await request.post(`${app.url}/api/v1/sessions`, { data: { email: person.email, password: person.password } });
			expect(res.status()).toBe(201);
		}

		async function personContext(person: { email: string; password: string }, options: BrowserContextOptions = {}) {
			const context = await newContext(browser, options);
			await signIn(context.request, person);
			return context;
		}

		/** What Apertium itself makes of a text, asked the way the server asks. */
		async function apertiumSays(text: string, langpair: string): Promise<string> {
			const res = await fetch(`${apertium.url}/translate?${new URLSearchParams({ langpair, q: text, markUnknown: 'no' })}`);
			const body = (await res.json()) as { responseData: { translatedText: string } };
			return body.responseData.translatedText;
		}

		const chatOf = (page: Page, heading = en.space_chat_heading) => page.getByRole('region', { name: heading, exact: true });
		const listOf = (page: Page, label: string) => page.getByRole('list', { name: label, exact: true });
		/** The message (list item) whose original or shown text contains `text`. */
		const messageIn = (page: Page, label: string, text: string): Locator => listOf(page, label).getByRole('listitem').filter({ hasText: text });

		/** The same message whichever text it shows (a filter by text would lose it after the toggle). */
		async function pinned(page: Page, message: Locator): Promise<Locator> {
			await message.waitFor();
			const id = await message.getAttribute('data-message-id');
			expect(id).toBeTruthy();
			return page.locator(`li[data-message-id="${id}"]`);
		}

		async function openChat(page: Page, status: string) {
			await page.goto(spaceUrl);
			await page.getByRole('status').filter({ hasText: status }).waitFor();
		}

		async function shoot(page: Page, name: string) {
			const width = page.viewportSize()!.width;
			const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
			const wide = overflow > 0 ? await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1).map((el) => `${el.tagName}.${String(el.className).slice(0, 60)} ${Math.round(el.getBoundingClientRect().left)}-${Math.round(el.getBoundingClientRect().right)}`).slice(-12), width) : [];
			expect(overflow, `${name} is wider than the viewport:\n${wide.join('\n')}`).toBeLessThanOrEqual(0);
			await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
		}

		beforeAll(async () => {
			mkdirSync(SHOTS, { recursive: true });
			apertium = await startApertium();
			// A generous send burst, so a long history can be written quickly through the chat service.
			[app, browser] = await Promise.all([startTessera({ translator: 'apertium', apertiumUrl: apertium.url, chatSendBurst: 200 }), launchBrowser()]);
			// The first account becomes admin; the people under test are ordinary users.
			await signUpViaApi(app.url, lead);
			amalId = (await signUpViaApi(app.url, amal)).id;
			await signUpViaApi(app.url, lucia);
			await signUpViaApi(app.url, omar);

			amalContext = await personContext(amal, { locale: 'en-GB', timezoneId: 'Europe/London' });
			luciaContext = await personContext(lucia, { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
			const headers = { origin: app.url };
			const space = await (await amalContext.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: 'Comics club', kind: 'collective' } })).json();
			spaceUrl = `${app.url}/spaces/${space.id}`;
			const invite = await (await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { maxUses: null } })).json();
			expect((await luciaContext.request.post(`${app.url}/api/v1/invites/${invite.code}/accept`, { headers })).status()).toBe(200);
			const omarContext = await personContext(omar);
			expect((await omarContext.request.post(`${app.url}/api/v1/invites/${invite.code}/accept`, { headers })).status()).toBe(200);
			await omarContext.close();
			a = await amalContext.newPage();
			b = await luciaContext.newPage();
		});

		afterAll(async () => {
			await browser?.close();
			await app?.close();
			await apertium?.close();
		});

		it('an empty chat says so calmly, connected, with zero axe violations in English and Spanish', async () => {
			await openChat(a, en.chat_status_connected);
			await openChat(b, es.chat_status_connected);
			expect(await chatOf(a).getByText(en.chat_empty).isVisible()).toBe(true);
			expect(await chatOf(b, es.space_chat_heading).getByText(es.chat_empty).isVisible()).toBe(true);
			expect(await a.getByLabel(en.chat_language_label).inputValue()).toBe('en');
			expect(await b.getByLabel(es.chat_language_label).inputValue()).toBe('es');
			// Presence still works over the one shared connection.
			await listOf(a, en.space_members_list).getByRole('listitem').filter({ hasText: lucia.displayName }).getByText(en.space_member_online).waitFor();
			await expectNoAxeViolations(a, 'empty chat (en)');
			await expectNoAxeViolations(b, 'empty chat (es)');
		});

		it('Amal sends by keyboard alone; it shows as sending, then sent, and Lucía reads it in Apertium\'s Spanish, marked as machine translated', async () => {
			const original = 'Good morning!\nHow is your drawing going?';
			const spanish = await apertiumSays(original, 'eng|spa');
			expect(spanish).not.toBe(original);

			// Watch for the pending state, however briefly it shows.
			await a.evaluate(() => {
				const w = window as unknown as { sawSending: boolean };
				w.sawSending = false;
				new MutationObserver(() => {
					if (document.querySelector('li[data-state="sending"]')) w.sawSending = true;
				}).observe(document.body, { subtree: true, childList: true });
			});
			await a.locator('body').focus();
			await tabTo(a, '#chat-input', 40);
			await a.keyboard.type('Good morning!');
			await a.keyboard.press('Shift+Enter');
			await a.keyboard.type('How is your drawing going?');
			expect(await a.locator('#chat-input').inputValue()).toBe('Good morning!\nHow is your drawing going?');
			await a.keyboard.press('Enter');

			const sent = messageIn(a, en.chat_log_label, 'How is your drawing going?');
			await sent.locator('time').waitFor();
			expect(await a.evaluate(() => (window as unknown as { sawSending: boolean }).sawSending)).toBe(true);
			expect(await a.locator('li[data-state]').count()).toBe(0);
			expect(await a.locator('#chat-input').inputValue()).toBe('');
			// Focus stays in the composer for the next message.
			expect(await a.evaluate(() => document.activeElement?.id)).toBe('chat-input');

			const received = await pinned(b, messageIn(b, es.chat_log_label, spanish.split('\n')[0]!.trim()));
			expect(await received.textContent()).toContain(fill(es.chat_machine_translated, { provider: 'Apertium' }));
			expect(await received.textContent()).toContain(amal.displayName);
			expect(await received.textContent()).not.toContain(original.split('!')[0]!);
			// Screen readers hear it once, in Spanish.
			await expect.poll(() => b.locator('#chat-announcements').textContent()).toContain(spanish.split('\n')[0]!.trim());

			// The toggle reveals the original, and brings the translation back.
			await received.getByRole('button', { name: es.chat_show_original }).click();
			await received.getByText('Good morning!').waitFor();
			expect(await received.getByText(fill(es.chat_machine_translated, { provider: 'Apertium' })).count()).toBe(0);
			await received.getByRole('button', { name: es.chat_show_translation }).click();
			await received.getByText(fill(es.chat_machine_translated, { provider: 'Apertium' })).waitFor();
		});

		it('Lucía answers in Spanish; Amal reads it in English, sees she is typing first, and hears it announced', async () => {
			const original = 'Muy bien, gracias. El dibujo está casi terminado.';
			const english = await apertiumSays(original, 'spa|eng');
			await b.locator('#chat-input').click();
			await b.keyboard.type('Muy bien, gracias.');
			await a.getByText(fill(en.chat_typing_one, { name: `\u2068${lucia.displayName}\u2069` })).waitFor();
			await b.keyboard.type(' El dibujo está casi terminado.');
			await b.getByRole('button', { name: es.chat_send }).click();

			const received = await pinned(a, messageIn(a, en.chat_log_label, english.slice(0, 20)));
			expect(await received.textContent()).toContain(fill(en.chat_machine_translated, { provider: 'Apertium' }));
			// The badge names the original language for screen readers.
			expect(await received.textContent()).toContain(fill(en.chat_written_in, { language: 'Spanish' }));
			await expect.poll(() => a.locator('#chat-announcements').textContent()).toContain(`${lucia.displayName}\u2069: \u2068${english}`);
			await expect.poll(() => a.getByText(fill(en.chat_typing_one, { name: `\u2068${lucia.displayName}\u2069` })).count()).toBe(0);
			await received.getByRole('button', { name: en.chat_show_original }).click();
			await received.getByText(original).waitFor();
			await received.getByRole('button', { name: en.chat_show_translation }).click();

			// Her own message is shown to her as written, with no translation marker.
			const own = messageIn(b, es.chat_log_label, original);
			await own.locator('time').waitFor();
			expect(await own.getByText(fill(es.chat_machine_translated, { provider: 'Apertium' })).count()).toBe(0);

			await expectNoAxeViolations(a, 'chat with translated messages (en)');
			await expectNoAxeViolations(b, 'chat with translated messages (es)');
			await shoot(a, 'chat-en-desktop');
			await shoot(b, 'chat-es-desktop');
		});

		it('a message written offline says it is not sent yet, keeps its text, and goes out once when the connection is back', async () => {
			const text = 'Sent after the train tunnel';
			await amalContext.setOffline(true);
			await a.locator('#chat-input').fill(text);
			await a.locator('#chat-input').press('Enter');
			const failed = a.locator('li[data-state="failed"]').filter({ hasText: text });
			await failed.getByText(en.chat_not_sent_offline).waitFor();
			await chatOf(a).getByRole('status').filter({ hasText: en.chat_status_offline }).waitFor();
			await expectNoAxeViolations(a, 'chat with a failed send');
			await shoot(a, 'chat-en-failed');
			await chatOf(a).screenshot({ path: join(SHOTS, 'chat-en-failed-panel.png') });
			// Retry while still offline: it says so again, and the keyboard stays on the message.
			await failed.getByRole('button', { name: en.chat_retry_send }).click();
			await failed.getByText(en.chat_not_sent_offline).waitFor();
			expect(await a.evaluate(() => document.activeElement?.closest('li')?.dataset.state)).toBe('failed');

			await amalContext.setOffline(false);
			await chatOf(a).getByRole('status').filter({ hasText: en.chat_status_connected }).waitFor();
			await messageIn(a, en.chat_log_label, text).locator('time').waitFor();
			await messageIn(b, es.chat_log_label, await apertiumSays(text, 'eng|spa')).waitFor();
			expect(await a.locator('li[data-state]').count()).toBe(0);
			// Once for each of them, even after the retries.
			expect(await messageIn(a, en.chat_log_label, text).count()).toBe(1);
			await a.reload();
			await messageIn(a, en.chat_log_label, text).locator('time').waitFor();
			expect(await messageIn(a, en.chat_log_label, text).count()).toBe(1);
		});

		it('Amal edits and deletes her own message; Lucía sees the new translation, then a tombstone', async () => {
			const text = 'I will bring the blue pencils.';
			await a.locator('#chat-input').fill(text);
			await a.locator('#chat-input').press('Enter');
			const mine = messageIn(a, en.chat_log_label, text);
			await mine.locator('time').waitFor();
			const spanishBefore = await apertiumSays(text, 'eng|spa');
			await messageIn(b, es.chat_log_label, spanishBefore).waitFor();

			await mine.getByRole('button', { name: en.chat_edit }).click();
			const field = a.getByRole('textbox', { name: en.chat_edit_label });
			expect(await a.evaluate(() => document.activeElement?.id)).toMatch(/^chat-edit-/);
			await field.fill('I will bring the red pencils.');
			await field.press('Enter');
			const edited = messageIn(a, en.chat_log_label, 'I will bring the red pencils.');
			await edited.getByText(en.chat_edited).waitFor();
			const spanishAfter = await apertiumSays('I will bring the red pencils.', 'eng|spa');
			await messageIn(b, es.chat_log_label, spanishAfter).getByText(es.chat_edited).waitFor();

			await edited.getByRole('button', { name: en.chat_delete }).click();
			const confirm = a.getByRole('group', { name: en.chat_delete_confirm });
			// The careful choice has focus.
			expect(await a.evaluate(() => document.activeElement?.textContent?.trim())).toBe(en.chat_delete_keep);
			await confirm.getByRole('button', { name: en.chat_delete_yes }).click();
			await listOf(a, en.chat_log_label).getByText(en.chat_deleted).waitFor();
			await listOf(b, es.chat_log_label).getByText(es.chat_deleted).waitFor();
			expect(await listOf(b, es.chat_log_label).getByText(spanishAfter).count()).toBe(0);
		});

		it('reading in another language from the chat itself: Amal switches to Spanish and back', async () => {
			const spanishOriginal = 'Muy bien, gracias. El dibujo está casi terminado.';
			await a.getByLabel(en.chat_language_label).selectOption('es');
			// Lucía's Spanish now needs no translation...
			const hers = await pinned(a, messageIn(a, en.chat_log_label, spanishOriginal));
			expect(await hers.getByText(fill(en.chat_machine_translated, { provider: 'Apertium' })).count()).toBe(0);
			// ...and Amal's own English comes in Spanish.
			const spanish = await apertiumSays('Good morning!\nHow is your drawing going?', 'eng|spa');
			await messageIn(a, en.chat_log_label, spanish.split('\n')[0]!.trim()).getByText(fill(en.chat_machine_translated, { provider: 'Apertium' })).waitFor();
			await a.getByLabel(en.chat_language_label).selectOption('en');
			await hers.getByText(fill(en.chat_machine_translated, { provider: 'Apertium' })).waitFor();
		});

		it('coming back, Lucía finds a "New messages" line before what she has not read yet', async () => {
			await b.goto(`${app.url}/spaces`);
			await a.locator('#chat-input').fill('Are you there?');
			await a.locator('#chat-input').press('Enter');
			await messageIn(a, en.chat_log_label, 'Are you there?').locator('time').waitFor();
			await openChat(b, es.chat_status_connected);
			const list = listOf(b, es.chat_log_label);
			await list.getByText(es.chat_unread).waitFor();
			const order = await list.getByRole('listitem').evaluateAll((items) => items.map((li) => li.textContent ?? ''));
			const divider = order.findIndex((t) => t.includes('Mensajes nuevos'));
			expect(divider).toBeGreaterThan(0);
			expect(order[divider + 1]).toContain(amal.displayName);
			expect(order.slice(0, divider).some((t) => t.includes('Muy bien, gracias'))).toBe(true);
		});

		it('after a server restart (no recovery possible), Lucía catches up on what she missed, each message once and in order', async () => {
			await openChat(b, es.chat_status_connected);
			// "Connected" can show before the history is on the page: count once the last message is there.
			await messageIn(b, es.chat_log_label, await apertiumSays('Are you there?', 'eng|spa')).waitFor();
			const before = await listOf(b, es.chat_log_label).locator('li[data-message-id]').count();
			await luciaContext.setOffline(true);
			// The same port and data: a restart, as after a deploy. Nothing of the old connections survives it.
			const { port } = app.server;
			const config = app.server.app.config;
			await app.server.close();
			const restarted = await startServer({ config: { ...config, port } });
			app = {
				url: restarted.url,
				server: restarted,
				close: async () => {
					await restarted.close();
					await rm(config.dataDir, { recursive: true, force: true });
				}
			};
			await chatOf(b, es.space_chat_heading).getByRole('status').filter({ hasText: es.chat_status_offline }).waitFor();

			await chatOf(a).getByRole('status').filter({ hasText: en.chat_status_connected }).waitFor({ timeout: 15_000 });
			for (const text of ['First while you were away', 'Second while you were away']) {
				await a.locator('#chat-input').fill(text);
				await a.locator('#chat-input').press('Enter');
				await messageIn(a, en.chat_log_label, text).locator('time').waitFor();
			}
			const missed = await Promise.all(['First while you were away', 'Second while you were away'].map((t) => apertiumSays(t, 'eng|spa')));

			await luciaContext.setOffline(false);
			await chatOf(b, es.space_chat_heading).getByRole('status').filter({ hasText: es.chat_status_connected }).waitFor({ timeout: 15_000 });
			await messageIn(b, es.chat_log_label, missed[1]!).waitFor();
			const items = listOf(b, es.chat_log_label).locator('li[data-message-id]');
			expect(await items.count()).toBe(before + 2);
			const ids = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-message-id')));
			expect(new Set(ids).size).toBe(ids.length);
			const texts = await items.evaluateAll((lis) => lis.map((li) => li.textContent ?? ''));
			expect(texts.at(-2)).toContain(missed[0]);
			expect(texts.at(-1)).toContain(missed[1]);
		});

		it('a long history comes in pages: scrolling to the top keeps the place, and the button loads earlier messages by keyboard', async () => {
			const headers = { origin: app.url };
			const space = await (await amalContext.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: 'Long story', kind: 'collective' } })).json();
			for (let i = 1; i <= 120; i++) {
				await app.server.app.chat.send({ spaceId: space.id, author: { id: amalId, name: amal.displayName }, clientId: randomUUID(), text: `Line ${i} of the story`, lang: 'en' });
			}
			const page = await amalContext.newPage();
			await page.goto(`${app.url}/spaces/${space.id}`);
			const items = listOf(page, en.chat_log_label).locator('li[data-message-id]');
			await messageIn(page, en.chat_log_label, 'Line 120 of the story').waitFor();
			expect(await items.count()).toBe(50);

			// Scrolling to the top brings the page before, and what was at the top stays where it was.
			const log = page.getByRole('region', { name: en.chat_conversation_label });
			const anchor = messageIn(page, en.chat_log_label, 'Line 71 of the story');
			await log.evaluate((el) => (el.scrollTop = 0));
			await expect.poll(() => items.count()).toBe(100);
			const top = await anchor.evaluate((el) => el.getBoundingClientRect().top - el.closest('[role="region"]')!.getBoundingClientRect().top);
			expect(top).toBeGreaterThan(-50);
			expect(top).toBeLessThan(200);

			// The button, by keyboard: the rest arrive, and the start of the conversation takes the focus.
			await page.getByRole('button', { name: en.chat_load_earlier }).focus();
			await page.keyboard.press('Enter');
			await expect.poll(() => items.count()).toBe(120);
			await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(en.chat_history_start);
			const texts = await items.evaluateAll((lis) => lis.map((li) => /Line (\d+)/.exec(li.textContent ?? '')?.[1]));
			expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => String(i + 1)));
			await expectNoAxeViolations(page, 'chat with a long history');
			await page.close();
		});

		it('on a phone 320 px wide and in Arabic, right to left, the chat fits and passes axe', async () => {
			const phone = await personContext(lucia, { locale: 'es-ES', viewport: { width: 320, height: 720 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
			const p = await phone.newPage();
			await openChat(p, es.chat_status_connected);
			await listOf(p, es.chat_log_label).waitFor({ state: 'attached' });
			await chatOf(p, es.space_chat_heading).scrollIntoViewIfNeeded();
			await expectNoAxeViolations(p, 'chat on a phone (es)');
			await shoot(p, 'chat-es-phone-320');
			await chatOf(p, es.space_chat_heading).screenshot({ path: join(SHOTS, 'chat-es-phone-320-panel.png') });
			await phone.close();

			const arabic = await personContext(omar, { locale: 'ar-EG', timezoneId: 'Africa/Cairo' });
			const q = await arabic.newPage();
			await openChat(q, ar.chat_status_connected);
			expect(await q.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
			await listOf(q, ar.chat_log_label).waitFor({ state: 'attached' });
			await expectNoAxeViolations(q, 'chat (ar)');
			await shoot(q, 'chat-ar-desktop');
			await chatOf(q, ar.space_chat_heading).screenshot({ path: join(SHOTS, 'chat-ar-desktop-panel.png') });
			// Dark, as many phones are at night: still AA.
			await q.emulateMedia({ colorScheme: 'dark' });
			await expectNoAxeViolations(q, 'chat (ar, dark)');
			await q.setViewportSize({ width: 320, height: 720 });
			await shoot(q, 'chat-ar-phone-320');
			await chatOf(q, ar.space_chat_heading).screenshot({ path: join(SHOTS, 'chat-ar-phone-320-panel.png') });
			await arabic.close();
		});
	});
});
