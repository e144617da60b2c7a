import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { minorBirthDate } from '../helpers/moderation';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_DOCS_MOD_SHOTS_DIR ?? '/tmp/docs-mod-shots';

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
/** The space's supervising moderator. */
const mira: Person = { email: uniqueEmail('mira'), password: 'lanterns over the harbour', displayName: 'Mira' };
const ana: Person = { email: uniqueEmail('ana'), password: 'blue pencils and red paper', displayName: 'Ana', role: 'mentor' };
const sami: Person = { email: uniqueEmail('sami'), password: 'my bike has three gears', displayName: 'Sami', role: 'mentee', birthDate: minorBirthDate() };

const EDITOR = '#doc-editor-text';
/** Seven digits make a phone number: the hold comes at the 9. */
const PHONE = '+44 7700 900123';
const SENTENCE = `Call me on ${PHONE} after school.`;
/** Seven digits in a row, however they are spaced: what the minor must never be shown before an approval. */
const PHONE_LIKE = /(?:\d[\s.\-()]*){7}/;
/** Written on the Arabic page: held at its seventh digit. */
const AR_TYPED = 'رقمي 06 12 34 56 78';
const AR_HELD = 'رقمي 06 12 34 5';

describeBrowser('documents under moderation: held text in a minor\'s document, in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	let spaceUrl = '';
	let docUrl = '';
	/** A second document of the space, where Ana writes from an Arabic page. */
	let notesUrl = '';
	let anaPage: Page;
	let samiPage: Page;
	let miraPage: Page;
	const contexts: BrowserContext[] = [];

	const token = (person: Person) => signInToken(app.url, person);
	const call = (bearer: string, path: string, body?: unknown, method = 'POST') => apiCall(app.url, bearer, path, body, method);
	const pageFor = (person: Person, options: BrowserContextOptions = {}) => signedInPage(browser, contexts, app.url, person, options);

	/** The text the editor shows, without the other people's caret labels inside it. */
	function editorText(page: Page): Promise<string> {
		return page.locator(EDITOR).evaluate((el) => {
			const copy = el.cloneNode(true) as HTMLElement;
			copy.querySelectorAll('.doc-caret').forEach((c) => c.remove());
			return [...copy.children].map((child) => child.textContent ?? '').join('\n');
		});
	}

	/** Opens the document and waits until it is in step with the server. */
	async function openDocument(page: Page, { url = docUrl, messages = en }: { url?: string; messages?: typeof en } = {}) {
		await page.goto(url);
		await page.locator(EDITOR).waitFor();
		await page.locator('.doc-status', { hasText: messages.docs_status_saved }).waitFor();
	}

	/** Every text the editor shows from now on, one entry per change, kept in the page. */
	async function recordEditor(page: Page) {
		await page.locator(EDITOR).evaluate((el) => {
			const seen: string[] = [];
			(window as unknown as { seenTexts: string[] }).seenTexts = seen;
			const read = () => {
				const copy = el.cloneNode(true) as HTMLElement;
				copy.querySelectorAll('.doc-caret').forEach((c) => c.remove());
				seen.push(copy.textContent ?? '');
			};
			read();
			new MutationObserver(read).observe(el, { subtree: true, childList: true, characterData: true });
		});
	}
	const seenTexts = (page: Page) => page.evaluate(() => (window as unknown as { seenTexts: string[] }).seenTexts);

	async function shoot(page: Page, name: string, { fullPage = true } = {}) {
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
	}

	const queueItem = (page: Page, text: string) => page.locator('.console-item').filter({ hasText: text });

	/** Opens the console and waits until its alert socket has joined (the first answer of Socket.IO's handshake, `40`). */
	async function openConsole(page: Page) {
		const handshake = (payload: string | Buffer) => String(payload).includes('40{');
		const joined = Promise.race([
			page.waitForResponse(async (r) => r.url().includes('/socket.io/') && handshake(await r.text().catch(() => ''))),
			page.waitForEvent('websocket', (ws) => ws.url().includes('/socket.io/')).then((ws) => ws.waitForEvent('framereceived', (f) => handshake(f.payload)))
		]);
		await page.goto(`${app.url}/moderation`);
		await joined;
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera({ translator: 'none' }), launchBrowser()]);
		// The first account becomes admin; it names the moderator.
		await signUpViaApi(app.url, lead);
		const { id: miraId } = await signUpViaApi(app.url, mira);
		expect((await call(await token(lead), `/api/v1/users/${miraId}`, { role: 'moderator' }, 'PATCH')).status).toBe(200);
		await signUpViaApi(app.url, ana);
		await signUpViaApi(app.url, sami);

		// Ana's space with Sami, who is 17: it needs a supervising moderator (Mira) before Sami may join.
		const anaToken = await token(ana);
		const created = await call(anaToken, '/api/v1/spaces', { title: 'Comics club', kind: 'pair', supervisorId: miraId });
		expect(created.status, JSON.stringify(created.body)).toBe(201);
		const spaceId = created.body.id as string;
		spaceUrl = `${app.url}/spaces/${spaceId}`;
		const invite = await call(anaToken, `/api/v1/spaces/${spaceId}/invites`, { maxUses: 1 });
		expect((await call(await token(sami), `/api/v1/invites/${invite.body.code as string}/accept`)).status).toBe(200);
		const doc = await call(anaToken, `/api/v1/spaces/${spaceId}/documents`, { kind: 'text', title: 'Our comic' });
		expect(doc.status, JSON.stringify(doc.body)).toBe(201);
		docUrl = `${spaceUrl}/documents/${doc.body.id as string}`;
		const notes = await call(anaToken, `/api/v1/spaces/${spaceId}/documents`, { kind: 'text', title: 'ملاحظات' });
		expect(notes.status, JSON.stringify(notes.body)).toBe(201);
		notesUrl = `${spaceUrl}/documents/${notes.body.id as string}`;

		[anaPage, samiPage, miraPage] = await Promise.all([pageFor(ana), pageFor(sami), pageFor(mira)]);
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('a mentor types a phone number into a minor\'s document: she is told it was held, and the minor\'s editor never shows it', async () => {
		// The supervisor's console is open before anything is held.
		await openConsole(miraPage);
		await miraPage.getByText(en.mod_queue_empty).waitFor();
		await Promise.all([openDocument(anaPage), openDocument(samiPage)]);
		await recordEditor(samiPage);

		await anaPage.locator('body').focus();
		await tabTo(anaPage, EDITOR, 60);
		await anaPage.keyboard.type('Chapter one. ');
		await expect.poll(() => editorText(samiPage)).toContain('Chapter one.');
		await anaPage.keyboard.type(SENTENCE);

		const alert = anaPage.getByRole('alert').filter({ hasText: en.docs_moderation_held });
		await alert.waitFor();
		// What followed the number is written on; Ana's editor and Sami's agree once it is stored.
		await anaPage.locator('.doc-status', { hasText: en.docs_status_saved }).waitFor();
		await expect.poll(() => editorText(samiPage)).toBe(await editorText(anaPage));
		const shown = await editorText(anaPage);
		expect(shown).toContain('Chapter one.');
		expect(shown).not.toMatch(PHONE_LIKE);
		// Not once, keystroke by keystroke, did Sami's editor show seven digits.
		const seen = await seenTexts(samiPage);
		expect(seen.length).toBeGreaterThan(5);
		expect(seen.filter((t) => PHONE_LIKE.test(t))).toEqual([]);
		expect(await samiPage.getByText(en.docs_moderation_held).count()).toBe(0);
		// The open console is told at once, and shows the held text without a reload.
		await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_alert_held_doc);
		await queueItem(miraPage, 'Call me on').waitFor();

		await expectNoAxeViolations(anaPage, 'document with the held alert');
		await shoot(anaPage, 'docs-held-en');
	});

	it('in Arabic the alert is translated and reads right to left', async () => {
		const page = await pageFor(ana, { locale: 'ar-EG' });
		await openDocument(page, { url: notesUrl, messages: ar as typeof en });
		expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
		await page.locator('body').focus();
		await tabTo(page, EDITOR, 60);
		await page.keyboard.type(AR_TYPED);
		const alert = page.getByRole('alert').filter({ hasText: ar.docs_moderation_held });
		await alert.waitFor();
		// What came after the seventh digit stays.
		await expect.poll(() => editorText(page)).toBe('6 78');
		await expectNoAxeViolations(page, 'document with the held alert (ar)');
		await shoot(page, 'docs-held-ar');
		await alert.screenshot({ path: join(SHOTS, 'docs-held-ar-alert.png') });
		// On a phone the sentence wraps; the icon keeps its size and sits at the start (right) of the first line.
		await page.setViewportSize({ width: 320, height: 720 });
		// Measured together: the page may scroll between two separate measurements.
		const place = await alert.locator('[data-moderated]').evaluate((box) => {
			const [b, i, text] = [box.getBoundingClientRect(), box.querySelector('svg')!.getBoundingClientRect(), box.querySelector('span')!.getBoundingClientRect()];
			return { width: i.width, fromRight: b.right - i.right, fromTop: i.top - b.top, wraps: text.height > 40 };
		});
		expect(place.width).toBe(20);
		expect(place.fromRight).toBeLessThan(40);
		expect(place.fromTop).toBeLessThan(30);
		expect(place.wraps).toBe(true);
		await shoot(page, 'docs-held-ar-320');
		await alert.screenshot({ path: join(SHOTS, 'docs-held-ar-320-alert.png') });
	});

	it('the console says the held text comes from a document, links to it and shows what was taken out; zero axe violations', async () => {
		await openConsole(miraPage);
		const item = queueItem(miraPage, 'Call me on');
		await item.waitFor();
		expect(await item.getByRole('heading', { name: fill(en.mod_item_held_doc, { reason: en.mod_hook_contact }) }).count()).toBe(1);
		// The supervisor may open the document from here.
		const link = item.getByRole('link', { name: 'Our comic' });
		expect(await link.getAttribute('href')).toBe(new URL(docUrl).pathname);
		expect(await item.locator('dd').filter({ has: miraPage.getByRole('link', { name: 'Our comic' }) }).textContent()).toContain(`· ${en.docs_kind_text}`);
		// What was taken out, as it was written: the sentence up to the seventh digit.
		const taken = item.getByRole('figure').filter({ hasText: en.mod_doc_text });
		expect(await taken.locator('blockquote').textContent()).toBe('Call me on +44 7700 9');
		expect(await item.getByText('(root)').count()).toBe(0);
		await expectNoAxeViolations(miraPage, 'console with a held document text');
		await shoot(miraPage, 'console-doc-held-en');
		await miraPage.setViewportSize({ width: 320, height: 720 });
		await shoot(miraPage, 'console-doc-held-en-320');
		await item.screenshot({ path: join(SHOTS, 'console-doc-held-en-320-item.png') });
		await miraPage.setViewportSize({ width: 1280, height: 900 });

		// An admin who has no part in the space sees which document, and why there is no link.
		const leadPage = await pageFor(lead);
		await leadPage.goto(`${app.url}/moderation`);
		const seen = queueItem(leadPage, 'Call me on');
		await seen.getByText('Our comic').waitFor();
		expect(await seen.getByRole('link', { name: 'Our comic' }).count()).toBe(0);
		expect(await seen.getByText(en.mod_document_closed).isVisible()).toBe(true);
		await leadPage.context().close();
	});

	it('the supervising moderator approves it by keyboard alone, and it comes back into the minor\'s document where it was written', async () => {
		const item = queueItem(miraPage, 'Call me on');
		const id = await item.getAttribute('data-item-id');
		await miraPage.locator('body').focus();
		await tabTo(miraPage, `.console-item[data-item-id="${id}"]`, 80);
		await miraPage.keyboard.press('a');
		await item.waitFor({ state: 'detached' });
		await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_done_approve_doc);

		await expect.poll(() => editorText(samiPage)).toContain(PHONE);
		// Exactly where it was taken from: before what followed the seventh digit.
		expect(await editorText(samiPage)).toBe(`Chapter one. ${SENTENCE}`);
		await expect.poll(() => editorText(anaPage)).toBe(await editorText(samiPage));
	});

	it('rejecting by keyboard keeps the other held text out of the minor\'s document', async () => {
		const item = queueItem(miraPage, AR_HELD);
		await item.focus();
		await miraPage.keyboard.press('r');
		await item.waitFor({ state: 'detached' });
		await expect.poll(() => miraPage.locator('#console-announcements').textContent()).toContain(en.mod_done_reject_doc);
		await miraPage.getByText(en.mod_queue_empty).waitFor();
		// Stored and sent to no one: a fresh load of the minor's document has only what followed it.
		await openDocument(samiPage, { url: notesUrl });
		expect(await editorText(samiPage)).toBe('6 78');
	});

	it('a document titled with an email address is refused in the create form, in the writer\'s language, by keyboard alone', async () => {
		for (const [name, options, messages] of [
			['en', { locale: 'en-GB' }, en],
			['ar', { locale: 'ar-EG' }, ar]
		] as const) {
			const page = await pageFor(ana, options);
			await page.goto(spaceUrl);
			await page.locator('body').focus();
			await tabTo(page, '#document-title', 80);
			await page.keyboard.type('Write to ana.draws@example.org');
			// The kind keeps its default (text); Enter in the field sends the form.
			await page.keyboard.press('Enter');
			const summary = page.getByRole('alert').filter({ hasText: messages.error_name_not_allowed });
			await summary.waitFor();
			await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
			// The title is the field marked, with the reason beside it, and the summary links to it.
			const title = page.getByLabel(messages.docs_field_title);
			expect(await title.inputValue()).toBe('Write to ana.draws@example.org');
			expect(await title.getAttribute('aria-invalid')).toBe('true');
			expect(await page.locator('#document-title-error').textContent()).toBe(messages.error_name_not_allowed);
			await summary.getByRole('link', { name: `${messages.docs_field_title}: ${messages.error_name_not_allowed}` }).waitFor();
			expect(page.url()).toBe(spaceUrl);
			await expectNoAxeViolations(page, `create form refusing a title (${name})`);
			await shoot(page, `docs-title-refused-${name}`);
			await page.locator('form[action="?/createDocument"]').screenshot({ path: join(SHOTS, `docs-title-refused-${name}-form.png`) });
		}
		// Nothing was created.
		const list = await call(await token(ana), `/api/v1/spaces/${new URL(spaceUrl).pathname.split('/').at(-1)}/documents`, undefined, 'GET');
		expect((list.body.documents as { title: string }[]).map((d) => d.title).sort()).toEqual(['Our comic', 'ملاحظات']);
	});
});
