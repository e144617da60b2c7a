import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { describeApertium, startApertium, type RunningApertium } from '../helpers/apertium';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_MOD_SHOTS_DIR ?? '/tmp/mod-shots';

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** A birth date that makes someone 17 today: a minor, above the default guardian-consent age (16). */
function seventeen(): string {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - 17);
	d.setUTCDate(d.getUTCDate() - 30);
	return d.toISOString().slice(0, 10);
}

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
/** A moderator who reads Spanish: the console translates English texts for her. */
const mira = { email: uniqueEmail('mira'), password: 'lanterns over the harbour', displayName: 'Mira', readingLanguage: 'es', uiLanguage: 'en' } as Person;
/** The space's named supervisor, whose console is in Arabic. */
const theo = { email: uniqueEmail('theo'), password: 'a kettle that sings at dawn', displayName: 'Theo', readingLanguage: 'es', uiLanguage: 'ar', country: 'EG', timezone: 'Africa/Cairo' } as Person;
const ana: Person = { email: uniqueEmail('ana'), password: 'blue pencils and red paper', displayName: 'Ana', role: 'mentor' };
const sami: Person = { email: uniqueEmail('sami'), password: 'my bike has three gears', displayName: 'Sami', role: 'mentee', birthDate: seventeen() };

describeBrowser('moderation: the console and the participant side in a real browser', () => {
	describeApertium('with Apertium translating for the moderator', () => {
		let apertium: RunningApertium;
		let app: E2eServer;
		let browser: Browser;
		let adminToken = '';
		let spaceId = '';
		let miraPage: Page;
		let anaPage: Page;
		let samiPage: Page;
		const contexts: BrowserContext[] = [];

		const token = (person: Person) => signInToken(app.url, person);
		const call = (bearer: string, path: string, body?: unknown, method = 'POST') => apiCall(app.url, bearer, path, body, method);
		const pageFor = (person: Person, options: BrowserContextOptions = {}) => signedInPage(browser, contexts, app.url, person, options);

		const messagesOf = (page: Page, label = en.chat_log_label) => page.getByRole('list', { name: label, exact: true });
		const messageIn = (page: Page, text: string, label?: string): Locator => messagesOf(page, label).getByRole('listitem').filter({ hasText: text });
		const queueItem = (page: Page, text: string) => page.locator('.console-item').filter({ hasText: text });

		async function openSpace(page: Page, status = en.chat_status_connected) {
			await page.goto(`${app.url}/spaces/${spaceId}`);
			await page.getByRole('status').filter({ hasText: status }).waitFor();
		}

		async function shoot(page: Page, name: string, { fullPage = true } = {}) {
			const width = page.viewportSize()!.width;
			const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
			const wide = overflow > 0 ? await page.evaluate((w) => [...document.querySelectorAll('body *')].filter((el) => !el.closest('[role=region][tabindex]') && (el.getBoundingClientRect().right > w + 1 || el.getBoundingClientRect().left < -1)).map((el) => `${el.tagName}.${String(el.className).slice(0, 60)} ${Math.round(el.getBoundingClientRect().left)}-${Math.round(el.getBoundingClientRect().right)}`).slice(0, 12), width) : [];
			expect(overflow, `${name} is wider than the viewport:\n${wide.join('\n')}`).toBeLessThanOrEqual(0);
			await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
		}

		beforeAll(async () => {
			mkdirSync(SHOTS, { recursive: true });
			apertium = await startApertium();
			[app, browser] = await Promise.all([startTessera({ translator: 'apertium', apertiumUrl: apertium.url }), launchBrowser()]);
			// The first account becomes admin; it names the moderators.
			await signUpViaApi(app.url, lead);
			adminToken = await token(lead);
			const staff: string[] = [];
			for (const person of [mira, theo]) {
				const { id } = await signUpViaApi(app.url, person);
				expect((await call(adminToken, `/api/v1/users/${id}`, { role: 'moderator' }, 'PATCH')).status).toBe(200);
				staff.push(id);
			}
			await signUpViaApi(app.url, ana);
			await signUpViaApi(app.url, sami);

			// Ana's pair with Sami, a minor: it needs a supervising moderator (Theo) before Sami may join.
			const anaToken = await token(ana);
			const created = await call(anaToken, '/api/v1/spaces', { title: 'Drawing together', kind: 'pair', supervisorId: staff[1] });
			expect(created.status, JSON.stringify(created.body)).toBe(201);
			spaceId = created.body.id as string;
			const invite = await call(anaToken, `/api/v1/spaces/${spaceId}/invites`, { maxUses: 1 });
			expect(invite.status).toBe(201);
			expect((await call(await token(sami), `/api/v1/invites/${invite.body.code as string}/accept`)).status).toBe(200);

			[miraPage, anaPage, samiPage] = await Promise.all([pageFor(mira), pageFor(ana), pageFor(sami)]);
		});

		afterAll(async () => {
			await browser?.close();
			await app?.close();
			await apertium?.close();
		});

		it('only moderators and admins find the console; it is linked from their navigation', async () => {
			await samiPage.goto(`${app.url}/moderation`);
			expect(await samiPage.getByRole('heading', { name: en.mod_heading, exact: true }).count()).toBe(0);
			expect(await samiPage.getByRole('link', { name: en.nav_moderation }).count()).toBe(0);
			const denied = await samiPage.request.get(`${app.url}/api/v1/moderation/live`);
			expect(denied.status()).toBe(403);

			await miraPage.goto(`${app.url}/spaces`);
			await miraPage.getByRole('navigation', { name: en.nav_label }).getByRole('link', { name: en.nav_moderation }).click();
			await miraPage.getByRole('heading', { level: 1, name: en.mod_heading }).waitFor();
			expect(await miraPage.getByText(en.mod_queue_empty).isVisible()).toBe(true);
			expect(await miraPage.getByText(en.mod_live_empty).isVisible()).toBe(true);
		});

		it('a minor\'s phone number is held: she sees "Waiting for a moderator", Ana sees nothing of it', async () => {
			await openSpace(samiPage);
			await openSpace(anaPage);
			await samiPage.locator('body').focus();
			await tabTo(samiPage, '#chat-input', 60);
			await samiPage.keyboard.type('Text me on +44 7700 900123 after school');
			await samiPage.keyboard.press('Enter');
			const held = messageIn(samiPage, '+44 7700 900123');
			await held.getByText(en.chat_held_pending).waitFor();

			// Sent after it on the same connection: once Ana has this one, the held one would have reached her first.
			await samiPage.keyboard.type('My drawing is almost done');
			await samiPage.keyboard.press('Enter');
			await messageIn(anaPage, 'My drawing is almost done').waitFor();
			expect(await messageIn(anaPage, '900123').count()).toBe(0);
		});

		it('the console lists the live space with its minor and the held message beside its translation; zero axe violations', async () => {
			await miraPage.goto(`${app.url}/moderation`);
			const item = queueItem(miraPage, '+44 7700 900123');
			await item.waitFor();
			expect(await item.getByRole('heading', { name: fill(en.mod_item_held, { reason: en.mod_hook_contact }) }).count()).toBe(1);
			// The original in English, the machine translation into Mira's reading language (Spanish) beside it.
			expect(await item.getByText(fill(en.mod_original, { language: 'English' })).isVisible()).toBe(true);
			const translation = item.locator('blockquote[lang="es"]');
			expect((await translation.textContent())?.length).toBeGreaterThan(0);
			expect(await translation.textContent()).not.toBe('Text me on +44 7700 900123 after school');
			// Context: the message after it is shown around it.
			expect(await item.getByRole('region', { name: en.mod_context }).getByText('My drawing is almost done').isVisible()).toBe(true);
			// Visible key hints, announced as shortcuts.
			expect(await item.getByRole('button', { name: new RegExp(`^${en.mod_action_approve}`) }).getAttribute('aria-keyshortcuts')).toBe('A');

			const live = miraPage.getByRole('table', { name: fill(en.mod_live_caption, { count: 1 }) });
			const row = live.getByRole('row').filter({ hasText: 'Drawing together' });
			await row.waitFor();
			expect(await row.getByText(fill(en.mod_live_minors, { count: 1 })).isVisible()).toBe(true);
			expect(await row.getByText(fill(en.mod_live_participants, { connected: 2, total: 2 })).isVisible()).toBe(true);
			expect(await row.getByText(en.mod_live_supervisor_away).isVisible()).toBe(true);

			await expectNoAxeViolations(miraPage, 'console with a held message');
			await shoot(miraPage, 'console-held-en');
		});

		it('the moderator approves by keyboard alone; focus moves on and Ana\'s browser shows the message appear', async () => {
			await miraPage.locator('body').focus();
			await tabTo(miraPage, '.console-item', 60);
			await miraPage.keyboard.press('a');
			await queueItem(miraPage, '+44 7700 900123').waitFor({ state: 'detached' });
			// Nothing else waits: the keyboard lands on the queue's heading, and the change is announced.
			await expect.poll(() => miraPage.evaluate(() => document.activeElement?.id)).toBe('queue');
			await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_done_approve);

			await messageIn(anaPage, '+44 7700 900123').waitFor();
			await expect.poll(() => messageIn(samiPage, '+44 7700 900123').getByText(en.chat_held_pending).count()).toBe(0);
		});

		it('an edit a moderator turns down: Ana sees it waiting, then "not approved" beside the version Sami reads, after a reload too', async () => {
			await anaPage.locator('#chat-input').fill('Shall we draw the harbour?');
			await anaPage.keyboard.press('Enter');
			const mine = messageIn(anaPage, 'Shall we draw the harbour?');
			await mine.getByRole('button', { name: en.chat_edit }).waitFor();
			await messageIn(samiPage, 'Shall we draw the harbour?').waitFor();
			const id = await mine.getAttribute('data-message-id');
			await mine.getByRole('button', { name: en.chat_edit }).click();
			await anaPage.locator(`#chat-edit-${id}`).fill('Shall we draw the harbour? Call me on +44 7700 900456');
			await anaPage.keyboard.press('Enter');
			const item = anaPage.locator(`li[data-message-id="${id}"]`);
			await item.getByText(en.chat_edit_held_pending).waitFor();

			const miraToken = await token(mira);
			const queue = await call(miraToken, '/api/v1/moderation/queue', undefined, 'GET');
			const entry = (queue.body.items as { id: string; kind: string; targetId: string }[]).find((i) => i.kind === 'chat-edit' && i.targetId === id);
			expect((await call(miraToken, `/api/v1/moderation/queue/${entry!.id}/reject`)).status).toBe(200);
			await item.getByText(en.chat_edit_held_rejected).waitFor();
			expect(await item.textContent()).not.toContain('900456');
			expect(await item.getByRole('button', { name: en.chat_edit }).count()).toBe(1);
			const theirs = messageIn(samiPage, 'Shall we draw the harbour?');
			expect(await theirs.textContent()).not.toContain('900456');
			expect(await theirs.getByText(en.chat_edit_held_rejected).count()).toBe(0);

			await openSpace(anaPage);
			await anaPage.locator(`li[data-message-id="${id}"]`).getByText(en.chat_edit_held_rejected).waitFor();
			await shoot(anaPage, 'chat-edit-rejected-en');
		});

		it('Sami reports Ana\'s message through the dialog by keyboard alone; the report appears in the console at once', async () => {
			await anaPage.locator('#chat-input').fill('You draw like a five-year-old');
			await anaPage.keyboard.press('Enter');
			const message = messageIn(samiPage, 'You draw like a five-year-old');
			await message.waitFor();
			const id = await message.getAttribute('data-message-id');

			await samiPage.locator('body').focus();
			await tabTo(samiPage, `li[data-message-id="${id}"] [data-report-message]`, 80);
			await samiPage.keyboard.press('Enter');
			const dialog = samiPage.getByRole('dialog', { name: en.report_title_message });
			await dialog.waitFor();
			// Focus starts inside the dialog, on the first reason.
			await expect.poll(() => samiPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('harassment');
			await expectNoAxeViolations(samiPage, 'report dialog');
			// The viewport: a modal dialog is drawn over what is on screen, not over the whole page.
			await shoot(samiPage, 'report-dialog-en', { fullPage: false });

			await samiPage.keyboard.press('Space');
			await samiPage.keyboard.press('Tab');
			await samiPage.keyboard.type('She says this every time I share a drawing.');
			await samiPage.keyboard.press('Tab');
			await samiPage.keyboard.press('Tab');
			expect(await samiPage.evaluate(() => document.activeElement?.textContent?.trim())).toBe(en.report_send);
			await samiPage.keyboard.press('Enter');
			await dialog.getByText(en.report_thanks).waitFor();
			await expectNoAxeViolations(samiPage, 'report dialog, sent');
			await samiPage.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
			// Back where the keyboard was.
			expect(await samiPage.evaluate(() => document.activeElement?.hasAttribute('data-report-message'))).toBe(true);

			// Mira's console was open all along: the alert brings the report in without a reload.
			const report = queueItem(miraPage, 'You draw like a five-year-old');
			await report.waitFor();
			expect(await report.getByRole('heading', { name: fill(en.mod_item_report, { reason: en.report_reason_harassment }) }).count()).toBe(1);
			expect(await report.getByText(en.mod_urgent).isVisible()).toBe(true);
			expect(await report.getByText('She says this every time I share a drawing.').isVisible()).toBe(true);
			await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_alert_urgent);
			// Ana is told nothing: no report, no name.
			expect(await anaPage.getByText(en.report_thanks).count()).toBe(0);
			await expectNoAxeViolations(miraPage, 'console with a report');
			await shoot(miraPage, 'console-report-en');
		});

		it('a destructive key asks first; Escape keeps things as they were, and resolving moves the report out', async () => {
			const report = queueItem(miraPage, 'You draw like a five-year-old');
			await report.focus();
			await miraPage.keyboard.press('l');
			const confirm = report.getByRole('group', { name: en.mod_confirm_lock });
			await confirm.waitFor();
			expect(await miraPage.evaluate(() => document.activeElement?.textContent?.trim())).toBe(fill(en.mod_confirm_yes, { action: en.mod_action_lock }));
			await miraPage.keyboard.press('Escape');
			await confirm.waitFor({ state: 'detached' });
			expect(await miraPage.evaluate(() => document.activeElement?.classList.contains('console-item'))).toBe(true);
			await miraPage.keyboard.press('v');
			await report.waitFor({ state: 'detached' });
			await miraPage.getByText(en.mod_queue_empty).waitFor();
		});

		it('the audit log shows each action and filters by action, with zero axe violations', async () => {
			await miraPage.goto(`${app.url}/moderation/audit`);
			const table = miraPage.getByRole('table');
			await table.getByText('message.approve').waitFor();
			expect(await table.getByText('report.create').count()).toBe(1);
			expect(await table.getByText('report.resolve').count()).toBe(1);
			await miraPage.getByLabel(en.mod_audit_action).selectOption('message.approve');
			await miraPage.getByRole('button', { name: en.mod_audit_apply }).click();
			await miraPage.waitForURL(/action=message\.approve/);
			expect(await table.getByText('report.create').count()).toBe(0);
			expect(await table.getByRole('row').filter({ hasText: 'message.approve' }).getByText(mira.displayName).count()).toBe(1);
			await expectNoAxeViolations(miraPage, 'audit log');
			await shoot(miraPage, 'audit-en');
			await miraPage.setViewportSize({ width: 320, height: 720 });
			await shoot(miraPage, 'audit-en-320');
			await miraPage.setViewportSize({ width: 1280, height: 900 });
		});

		it('a moderator joins the space as supervisor from the live view; Sami sees that a moderator is present', async () => {
			await miraPage.goto(`${app.url}/moderation`);
			const row = miraPage.getByRole('row').filter({ hasText: 'Drawing together' });
			await row.getByRole('button', { name: new RegExp(en.mod_live_join) }).click();
			await miraPage.waitForURL(`${app.url}/spaces/${spaceId}`);
			await samiPage.getByText(en.space_moderator_present).waitFor();
			await anaPage.getByText(en.space_moderator_present).waitFor();
			// The pause action is offered to the mentee of a pair, explained.
			expect(await samiPage.getByRole('heading', { name: en.pause_heading }).isVisible()).toBe(true);
			expect(await anaPage.getByRole('heading', { name: en.pause_heading }).count()).toBe(0);
			await expectNoAxeViolations(samiPage, 'space with a moderator present');
			await shoot(samiPage, 'space-moderator-present-en');

			// Recorded, and the console's live view now says a supervisor is present.
			await miraPage.goto(`${app.url}/moderation`);
			await miraPage.getByRole('row').filter({ hasText: 'Drawing together' }).getByText(en.mod_live_supervisor_present).waitFor();
			const audit = await call(await token(mira), '/api/v1/moderation/audit?action=space.supervise', undefined, 'GET');
			expect((audit.body.entries as unknown[]).length).toBe(1);
		});

		it('Sami pauses the match without Ana being told; the console shows it at once as urgent', async () => {
			const pause = samiPage.getByRole('region', { name: en.pause_heading });
			await pause.getByRole('button', { name: en.pause_button }).click();
			const confirm = pause.getByRole('group', { name: en.pause_confirm });
			await confirm.waitFor();
			expect(await samiPage.evaluate(() => document.activeElement?.textContent?.trim())).toBe(en.pause_yes);
			await samiPage.keyboard.press('Enter');
			await pause.getByText(en.pause_done).waitFor();

			const item = miraPage.locator('.console-item').filter({ has: miraPage.getByRole('heading', { name: fill(en.mod_item_report, { reason: en.report_reason_paused_match }) }) });
			await item.waitFor();
			expect(await item.getByText(en.mod_urgent).isVisible()).toBe(true);
			expect(await anaPage.getByText(en.pause_done).count()).toBe(0);
			expect(await anaPage.getByText(en.report_reason_paused_match).count()).toBe(0);
		});

		it('anonymous feedback is sent from the footer\'s page and reaches the console without a name', async () => {
			await samiPage.getByRole('link', { name: en.footer_feedback }).click();
			await samiPage.getByRole('heading', { level: 1, name: en.feedback_heading }).waitFor();
			await samiPage.getByRole('button', { name: en.feedback_send }).click();
			await samiPage.getByText(en.feedback_empty).waitFor();
			await samiPage.getByLabel(en.feedback_label).fill('The drawing prompts are great, more of them please!');
			await samiPage.getByRole('button', { name: en.feedback_send }).click();
			await samiPage.getByText(en.feedback_thanks).waitFor();
			await expectNoAxeViolations(samiPage, 'feedback page');

			const feedback = miraPage.getByRole('region', { name: en.mod_feedback_heading });
			await feedback.getByText('The drawing prompts are great, more of them please!').waitFor();
			expect(await feedback.getByText(sami.displayName).count()).toBe(0);
			await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_alert_feedback);
		});

		it('a new held message reaches the open console at once; the console reads right to left in Arabic, with zero axe violations', async () => {
			// A new held message, so the Arabic console has an item to show.
			await openSpace(samiPage);
			await samiPage.locator('#chat-input').fill('my insta: sami.draws');
			await samiPage.keyboard.press('Enter');
			await messageIn(samiPage, 'sami.draws').getByText(en.chat_held_pending).waitFor();
			// Mira's console, open since the last test, shows it without a reload and says so.
			await queueItem(miraPage, 'sami.draws').waitFor();
			await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_alert_held);
			const theoPage = await pageFor(theo, { locale: 'ar-EG', timezoneId: 'Africa/Cairo' });
			await theoPage.goto(`${app.url}/moderation`);
			expect(await theoPage.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
			await theoPage.getByRole('heading', { level: 1, name: ar.mod_heading }).waitFor();
			await queueItem(theoPage, 'sami.draws').waitFor();
			await expectNoAxeViolations(theoPage, 'console (ar)');
			await shoot(theoPage, 'console-ar');
			// On a phone: nothing wider than the screen (tables scroll in their own focusable region).
			await theoPage.setViewportSize({ width: 320, height: 720 });
			await expectNoAxeViolations(theoPage, 'console (ar, 320 px)');
			await shoot(theoPage, 'console-ar-320');
		});

		it('approving what another moderator has just approved says so and moves on', async () => {
			const item = queueItem(miraPage, 'sami.draws');
			const queueId = await item.getAttribute('data-item-id');
			expect((await call(await token(theo), `/api/v1/moderation/queue/${queueId}/approve`)).status).toBe(200);
			await item.focus();
			await miraPage.keyboard.press('a');
			await item.waitFor({ state: 'detached' });
			await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.error_already_reviewed);
			expect(await miraPage.evaluate(() => document.activeElement?.id || document.activeElement?.className)).toBeTruthy();
			expect(await miraPage.evaluate(() => document.activeElement === document.body)).toBe(false);
		});
	});
});
