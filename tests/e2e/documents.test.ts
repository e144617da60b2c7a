import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

const lead = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const amal = { email: uniqueEmail('amal'), password: 'my cat sleeps on the piano', displayName: 'Amal' };
const lucia = { email: uniqueEmail('lucia'), password: 'tea at five under the old oak', displayName: 'Lucía' };
const omar = { email: uniqueEmail('omar'), password: 'quiet owls watch the river', displayName: 'عمر' };

const EDITOR = '#doc-editor-text';

describeBrowser('documents: two people write together, an observer reads, versions come back', () => {
	let app: E2eServer;
	let browser: Browser;
	let amalContext: BrowserContext;
	let luciaContext: BrowserContext;
	let a: Page;
	let b: Page;
	let spaceUrl = '';
	let docUrl = '';

	async function signIn(request: APIRequestContext, person: { email: string; password: string }) {
		const res = await request.post(`${app.url}/api/v1/sessions`, { data: { email: person.email, password: person.password } });
		expect(res.status()).toBe(201);
	}

	async function personContext(person: { email: string; password: string }, options: BrowserContextOptions = {}) {
		const context = await newContext(browser, options);
		await signIn(context.request, person);
		return context;
	}

	/** The text the editor shows, without the other people's caret labels inside it. */
	function editorText(page: Page): Promise<string> {
		return page.locator(EDITOR).evaluate((el) => {
			const copy = el.cloneNode(true) as HTMLElement;
			copy.querySelectorAll('.doc-caret').forEach((c) => c.remove());
			return [...copy.children].map((child) => child.textContent ?? '').join('\n');
		});
	}

	async function waitForText(page: Page, text: string) {
		await expect.poll(() => editorText(page), { timeout: 10_000 }).toContain(text);
	}

	async function waitForSaved(page: Page) {
		await page.locator('.doc-status', { hasText: en.docs_status_saved }).waitFor({ timeout: 10_000 });
	}

	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera(), launchBrowser()]);
		// The first account becomes admin; the people under test are ordinary users.
		await signUpViaApi(app.url, lead);
		await signUpViaApi(app.url, amal);
		await signUpViaApi(app.url, lucia);
		await signUpViaApi(app.url, { ...omar, readingLanguage: 'ar' });

		amalContext = await personContext(amal);
		luciaContext = await personContext(lucia);
		const headers = { origin: app.url };
		const space = await (await amalContext.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: 'Comics club', kind: 'collective' } })).json();
		spaceUrl = `${app.url}/spaces/${space.id}`;
		const memberInvite = await (await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { role: 'member' } })).json();
		expect((await luciaContext.request.post(`${app.url}/api/v1/invites/${memberInvite.code}/accept`, { headers })).status()).toBe(200);
		const observerInvite = await (await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { role: 'observer' } })).json();
		const omarContext = await personContext(omar);
		expect((await omarContext.request.post(`${app.url}/api/v1/invites/${observerInvite.code}/accept`, { headers })).status()).toBe(200);
		await omarContext.close();
		a = await amalContext.newPage();
		b = await luciaContext.newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('a member starts a text document from the space page and lands in it, connected and saved', async () => {
		await a.goto(spaceUrl);
		const documents = a.getByRole('region', { name: en.space_documents_heading });
		expect(await documents.getByText(en.docs_empty).isVisible()).toBe(true);
		await expectNoAxeViolations(a, 'space with no documents');
		await documents.getByLabel(en.docs_field_title).fill('Our comic');
		await documents.getByRole('radio', { name: en.docs_kind_text }).check();
		await documents.getByRole('button', { name: en.docs_create_submit }).click();
		await a.waitForURL(/\/spaces\/[0-9a-f-]{36}\/documents\/[0-9a-f-]{36}$/);
		docUrl = a.url();

		expect(await a.getByRole('heading', { level: 1 }).textContent()).toBe('Our comic');
		await a.locator(EDITOR).waitFor();
		expect(await a.getByRole('textbox', { name: 'Text of Our comic' }).isVisible()).toBe(true);
		await waitForSaved(a);
	});

	it('two people type in the same document; each sees the other\'s words and named caret, and both reach Saved', async () => {
		await a.locator(EDITOR).click();
		await a.keyboard.type('Once upon a time, two friends drew a comic.');
		await b.goto(docUrl);
		await waitForText(b, 'Once upon a time, two friends drew a comic.');

		await b.locator(EDITOR).click();
		await b.keyboard.press('Control+End');
		await b.keyboard.press('Enter');
		await b.keyboard.type('Lucía adds the second panel.');
		await waitForText(a, 'Lucía adds the second panel.');

		// Each sees the other's caret, labelled with their name.
		await a.locator('.doc-caret-label', { hasText: lucia.displayName }).waitFor();
		await a.locator(EDITOR).click();
		await a.keyboard.press('Control+End');
		await b.locator('.doc-caret-label', { hasText: amal.displayName }).waitFor();
		// And both are listed as here now.
		const here = a.getByRole('list', { name: en.docs_here_list });
		await here.getByText(lucia.displayName).waitFor();

		await Promise.all([waitForSaved(a), waitForSaved(b)]);
		expect(await editorText(a)).toBe(await editorText(b));
		await expectNoAxeViolations(a, 'document with two editors');
	});

	it('the space page lists the document with its kind, and still offers the form', async () => {
		await b.goto(spaceUrl);
		const list = b.getByRole('list', { name: en.docs_list_label });
		await list.getByRole('link', { name: 'Our comic' }).waitFor();
		expect(await list.getByText(en.docs_kind_text, { exact: false }).isVisible()).toBe(true);
		expect(await b.getByRole('button', { name: en.docs_create_submit }).isVisible()).toBe(true);
		await expectNoAxeViolations(b, 'space with a document');
		await b.goto(docUrl);
		await waitForText(b, 'Lucía adds the second panel.');
	});

	it('an observer reads the text live but cannot type, and sees no toolbar and no create form', async () => {
		const context = await personContext(omar, { locale: 'en-GB' });
		const page = await context.newPage();
		await page.goto(spaceUrl);
		expect(await page.getByText(en.docs_empty_observer).count()).toBe(0);
		expect(await page.getByRole('button', { name: en.docs_create_submit }).count()).toBe(0);
		await page.getByRole('link', { name: 'Our comic' }).click();
		await page.waitForURL(docUrl);
		await waitForText(page, 'Lucía adds the second panel.');
		expect(await page.locator(EDITOR).getAttribute('contenteditable')).toBe('false');
		expect(await page.locator(EDITOR).getAttribute('aria-readonly')).toBe('true');
		expect(await page.getByRole('toolbar').count()).toBe(0);
		expect(await page.getByText(en.docs_read_only_note).isVisible()).toBe(true);
		expect(await page.getByRole('button', { name: en.docs_version_save }).count()).toBe(0);

		await page.locator(EDITOR).click();
		await page.keyboard.type('observer was here');
		// A live edit still arrives, and the observer's keystrokes never do.
		await a.locator(EDITOR).click();
		await a.keyboard.press('Control+End');
		await a.keyboard.type(' The end.');
		await waitForText(page, 'The end.');
		expect(await editorText(page)).not.toContain('observer was here');
		await waitForSaved(a);
		expect(await editorText(a)).not.toContain('observer was here');
		await expectNoAxeViolations(page, 'document (observer)');
		await context.close();
	});

	it('a saved version is restored as a new edit: everyone sees it, the text before is kept, and Undo takes it back', async () => {
		const versionText = await editorText(a);
		await a.getByLabel(en.docs_version_field).fill('First draft');
		await a.getByRole('button', { name: en.docs_version_save }).click();
		await a.getByText(en.docs_version_saved.replace('{name}', 'First draft')).waitFor();
		// The field is emptied for the next version.
		await expect.poll(() => a.getByLabel(en.docs_version_field).inputValue()).toBe('');
		const versions = a.getByRole('list', { name: en.docs_versions_list });
		await versions.getByText('First draft').waitFor();

		// Change the text after the version.
		await a.locator(EDITOR).click();
		await a.keyboard.press('Control+a');
		await a.keyboard.type('Everything replaced.');
		await waitForText(b, 'Everything replaced.');
		await waitForSaved(a);
		const changedText = await editorText(a);

		// Looking at the version shows it read-only.
		await versions.getByRole('button', { name: en.docs_version_view_label.replace('{name}', 'First draft') }).click();
		const preview = a.getByRole('region', { name: en.docs_version_preview_heading.replace('{name}', 'First draft') });
		await preview.waitFor();
		expect(await preview.getByRole('textbox').getAttribute('contenteditable')).toBe('false');
		expect(await preview.getByRole('textbox').textContent()).toContain('Once upon a time');
		await expectNoAxeViolations(a, 'document with a version open');

		await versions.getByRole('button', { name: en.docs_version_restore_label.replace('{name}', 'First draft') }).click();
		const before = en.docs_restore_before_name.replace('{name}', 'First draft');
		await a.getByText(en.docs_restored.replace('{name}', 'First draft').replace('{before}', before)).waitFor();
		expect(await editorText(a)).toBe(versionText);
		await expect.poll(() => editorText(b)).toBe(versionText);
		// The text from before the restore is kept as an automatic version.
		const auto = versions.getByRole('listitem').filter({ hasText: before });
		await auto.waitFor();
		expect(await auto.getByText(en.docs_version_auto).isVisible()).toBe(true);
		await waitForSaved(a);

		// The restore is Amal's own edit: her Undo takes it back, for everyone.
		await a.locator(EDITOR).click();
		await a.keyboard.press('Control+z');
		await expect.poll(() => editorText(a)).toBe(changedText);
		await expect.poll(() => editorText(b)).toBe(changedText);
		await a.keyboard.press('Control+Shift+z');
		await expect.poll(() => editorText(b)).toBe(versionText);
		await waitForSaved(a);
	});

	it('with the keyboard alone the toolbar is reached, moved through with arrows, and Bold toggles', async () => {
		await a.goto(docUrl);
		await a.locator(EDITOR).waitFor();
		// Tab from the top of the page reaches the toolbar's one tab stop.
		await tabTo(a, '[role="toolbar"] button[tabindex="0"]', 40);
		const bold = a.getByRole('button', { name: en.docs_tool_bold });
		expect(await bold.getAttribute('aria-pressed')).toBe('false');
		expect(await bold.getAttribute('aria-keyshortcuts')).toBe('Control+B');
		await a.keyboard.press('ArrowRight');
		await a.keyboard.press('ArrowRight');
		expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(en.docs_tool_bold);
		await a.keyboard.press('Space');
		// Focus goes back to the text (on the next frame), with bold on for what comes next.
		await expect.poll(() => a.evaluate(() => document.activeElement?.id)).toBe('doc-editor-text');
		expect(await bold.getAttribute('aria-pressed')).toBe('true');
		await a.keyboard.type('bold words');
		expect(await a.locator(`${EDITOR} strong`, { hasText: 'bold words' }).count()).toBe(1);
		// Alt+F10 returns to the toolbar, on Bold; Space turns it off again.
		await a.keyboard.press('Alt+F10');
		expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(en.docs_tool_bold);
		await a.keyboard.press('Space');
		await expect.poll(() => a.evaluate(() => document.activeElement?.id)).toBe('doc-editor-text');
		expect(await bold.getAttribute('aria-pressed')).toBe('false');
		await a.keyboard.type(' plain');
		expect(await a.locator(`${EDITOR} strong`, { hasText: 'plain' }).count()).toBe(0);
		// Escape in the toolbar goes back to the text; Ctrl+B works there too.
		await a.keyboard.press('Alt+F10');
		await a.keyboard.press('Escape');
		await expect.poll(() => a.evaluate(() => document.activeElement?.id)).toBe('doc-editor-text');
		await a.keyboard.press('Control+b');
		expect(await bold.getAttribute('aria-pressed')).toBe('true');
		await a.keyboard.press('Control+b');
		// Ctrl+K asks for a link address; a bare domain becomes an https link, and Enter puts it in the text.
		await a.keyboard.press('Control+k');
		const address = a.getByLabel(en.docs_link_field);
		await expect.poll(() => address.evaluate((el) => el === document.activeElement)).toBe(true);
		await a.keyboard.type('javascript:alert(1)');
		await a.keyboard.press('Enter');
		await a.getByText(en.docs_link_invalid).waitFor();
		await address.fill('example.org/comics');
		await a.keyboard.press('Enter');
		await a.locator(`${EDITOR} a[href="https://example.org/comics"]`).waitFor();
		await expect.poll(() => a.evaluate(() => document.activeElement?.id)).toBe('doc-editor-text');
		await waitForSaved(a);
	});

	it('offline edits stay on the page, the status says so, and they merge on reconnect', async () => {
		await b.goto(docUrl);
		await b.locator(EDITOR).waitFor();
		await luciaContext.setOffline(true);
		await b.locator(EDITOR).click();
		await b.keyboard.press('Control+End');
		await b.keyboard.type(' Written offline.');
		await b.locator('.doc-status', { hasText: en.docs_status_offline_unsaved }).waitFor({ timeout: 40_000 });
		await luciaContext.setOffline(false);
		await waitForText(a, 'Written offline.');
		await waitForSaved(b);
	});

	it('a canvas document opens the shared canvas, and restoring a version brings its shapes back as an undoable edit', async () => {
		const STAGE = 'svg[role="application"]';
		const shapes = (page: Page) => page.locator(`${STAGE} [data-shape-id]`).count();
		await a.goto(spaceUrl);
		await a.getByLabel(en.docs_field_title).fill('Treasure map');
		await a.getByRole('radio', { name: en.docs_kind_canvas }).check();
		await a.getByRole('button', { name: en.docs_create_submit }).click();
		await a.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
		const canvasUrl = a.url();
		await a.locator(STAGE).waitFor();
		await a.getByRole('button', { name: en.canvas_add_ellipse }).click();
		await a.getByRole('button', { name: en.canvas_add_ellipse }).click();
		await expect.poll(() => shapes(a)).toBe(2);
		await waitForSaved(a);
		await a.getByLabel(en.docs_version_field).fill('Two ellipses');
		await a.getByRole('button', { name: en.docs_version_save }).click();
		await a.getByText(en.docs_version_saved.replace('{name}', 'Two ellipses')).waitFor();

		await b.goto(canvasUrl);
		await b.locator(STAGE).waitFor();
		await b.getByRole('button', { name: en.canvas_add_ellipse }).click();
		await expect.poll(() => shapes(a)).toBe(3);
		await waitForSaved(b);

		await a.getByRole('button', { name: en.docs_version_restore_label.replace('{name}', 'Two ellipses') }).click();
		await a.getByText(en.docs_restored.replace('{name}', 'Two ellipses').replace('{before}', en.docs_restore_before_name.replace('{name}', 'Two ellipses'))).waitFor();
		await expect.poll(() => shapes(a)).toBe(2);
		await expect.poll(() => shapes(b)).toBe(2);
		await expectNoAxeViolations(a, 'canvas document after a restore');
		await shoot(a, 'documents-en-canvas');
		// Undo on the canvas takes the restore back, for everyone.
		await a.locator(STAGE).focus();
		await a.keyboard.press('Control+z');
		await expect.poll(() => shapes(b)).toBe(3);
		await waitForSaved(a);
	});

	it('without JavaScript, a document is created from the space page and a version is saved; the page says the editor needs a script', async () => {
		const context = await personContext(lucia, { javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(spaceUrl);
		await page.getByLabel(en.docs_field_title).fill('Plain notes');
		await page.getByRole('button', { name: en.docs_create_submit }).click();
		await page.waitForURL(/\/documents\/[0-9a-f-]{36}$/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Plain notes');
		// The note is in <noscript>; Chromium's script-disabled emulation still parses noscript as raw text, so read it there.
		expect(await page.locator('main noscript').textContent()).toContain(en.docs_needs_js);
		await page.getByLabel(en.docs_version_field).fill('Empty start');
		await page.getByRole('button', { name: en.docs_version_save }).click();
		await page.waitForLoadState('load');
		expect(await page.getByText(en.docs_version_saved.replace('{name}', 'Empty start')).isVisible()).toBe(true);
		expect(await page.getByRole('list', { name: en.docs_versions_list }).getByText('Empty start').isVisible()).toBe(true);
		// An empty title is refused next to the field, with what was chosen kept.
		await page.goto(spaceUrl);
		await page.getByRole('radio', { name: en.docs_kind_canvas }).check();
		await page.getByRole('button', { name: en.docs_create_submit }).click();
		await page.waitForLoadState('load');
		expect(await page.getByRole('alert').isVisible()).toBe(true);
		expect(await page.getByLabel(en.docs_field_title).getAttribute('aria-invalid')).toBe('true');
		expect(await page.getByRole('radio', { name: en.docs_kind_canvas }).isChecked()).toBe(true);
		await context.close();
	});

	it('signing out elsewhere ends the document connection: the page says so, offers to sign in again and stops editing', async () => {
		const context = await personContext(lucia);
		const page = await context.newPage();
		await page.goto(docUrl);
		await page.locator(EDITOR).waitFor();
		await waitForSaved(page);
		expect((await context.request.delete(`${app.url}/api/v1/sessions/current`, { headers: { origin: app.url } })).status()).toBe(204);
		const alert = page.getByRole('alert').filter({ hasText: en.docs_closed_session });
		await alert.waitFor();
		expect(await alert.getByRole('link', { name: en.docs_sign_in_again }).getAttribute('href')).toContain('/signin?next=');
		expect(await page.locator(EDITOR).getAttribute('contenteditable')).toBe('false');
		expect(await page.getByRole('toolbar').count()).toBe(0);
		await expectNoAxeViolations(page, 'document after the session ended');
		await context.close();
	});

	it('the space and document pages in Arabic are right to left, translated and pass axe; screenshots at desktop and phone sizes', async () => {
		const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
		for (const [name, options, messages] of [
			['en', { locale: 'en-GB' }, en],
			['ar', { locale: 'ar-EG' }, ar],
			['en-phone', { locale: 'en-GB', ...phone }, en],
			['ar-phone', { locale: 'ar-EG', ...phone, colorScheme: 'dark' as const }, ar]
		] as const) {
			const context = await personContext(lucia, options);
			const page = await context.newPage();
			await page.goto(spaceUrl);
			expect(await page.getByRole('heading', { name: messages.space_documents_heading }).isVisible()).toBe(true);
			await shoot(page, `documents-${name}-space`);
			await expectNoAxeViolations(page, `space (${name})`);
			await page.goto(docUrl);
			await page.locator(EDITOR).waitFor();
			await page.locator('.doc-status', { hasText: messages.docs_status_saved }).waitFor();
			if (name.startsWith('ar')) expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
			expect(await page.getByRole('toolbar', { name: messages.docs_toolbar_label }).isVisible()).toBe(true);
			await shoot(page, `documents-${name}-document`);
			await expectNoAxeViolations(page, `document (${name})`);
			await context.close();
		}
	});
});
