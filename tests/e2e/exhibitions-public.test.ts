import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import es from '../../messages/es.json';
import { api, createSpace, joinSpace, newUser, type TestUser } from '../helpers/api';
import { startLibreTranslate, type FakeLibreTranslate } from '../helpers/libretranslate';
import { waitFor } from '../helpers/wait';
import { appendParagraph, createDocument, syncedClient, type YClient } from '../helpers/yjs';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, startTessera, tabTo, type E2eServer } from './browser';

const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`);
/** A 4×4 PNG: a blue and orange check. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAGElEQVR4nGOQs+k5UaEBIRngLCDJgFMGAOEzEnETCCorAAAAAElFTkSuQmCC';

const CANVAS = { title: 'Harbour lights', statement: 'We drew the harbour at night, one shape each.', altText: 'A dark blue harbour with a yellow lantern, a red boat and a photo of the pier.' };
const TEXT = { title: 'Letters across the sea', statement: 'Two letters, written a week apart.', altText: 'A text in two letters.' };

describeBrowser('public exhibitions and the archive in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	let libre: FakeLibreTranslate;
	const contexts: BrowserContext[] = [];
	const clients: YClient[] = [];
	let lead: TestUser;
	let amal: TestUser;
	let lucia: TestUser;
	let slug = '';
	let canvasWorkId = '';
	let textWorkId = '';

	const service = () => app.server.app.exhibitions;
	/** The signed-in person as the server's hooks see them (what the service takes as `user`). */
	const me = async (who: TestUser) => (await app.server.app.accounts.authenticate(who.token))!.user;

	async function visitor(options: BrowserContextOptions = {}): Promise<Page> {
		const context = await newContext(browser, options);
		contexts.push(context);
		return context.newPage();
	}

	async function shoot(page: Page, name: string) {
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}

	/** Both contributors write into the document over the real relay, then the owner saves a version of it. */
	async function writeTogether(docId: string, write: (doc: Y.Doc, who: TestUser) => void): Promise<string> {
		for (const who of [amal, lucia]) {
			const client = await syncedClient({ url: app.url, docId, token: who.token });
			clients.push(client);
			write(client.doc, who);
			await client.waitStored();
		}
		const saved = await api(app.url, `/api/v1/documents/${docId}/versions`, { token: amal.token, body: { name: 'For the exhibition' } });
		expect(saved.status, saved.text).toBe(201);
		return saved.body.id as string;
	}

	function addShape(doc: Y.Doc, who: TestUser, id: string, fields: Record<string, unknown>) {
		doc.transact(() => {
			const entry = new Y.Map<unknown>();
			doc.getMap<Y.Map<unknown>>('shapes').set(id, entry);
			for (const [key, value] of Object.entries({ x: 0, y: 0, w: 160, h: 100, stroke: '#1d2a28', fill: 'none', strokeWidth: 3, authorId: who.id, authorName: who.user.profile.displayName, createdAt: Date.now(), ...fields })) entry.set(key, value);
		});
	}

	/** Proposed by Amal, granted by both, approved by the lead: shown from now on. */
	async function publicWork(docId: string, versionId: string, input: typeof CANVAS): Promise<string> {
		const work = await service().propose({ user: await me(amal), documentId: docId, input: { versionId, ...input, lang: 'en' }, baseUrl: app.url });
		await service().decide({ user: await me(amal), workId: work.id, input: { decision: 'granted', credit: 'name', showCountry: true } });
		await service().decide({ user: await me(lucia), workId: work.id, input: { decision: 'granted', credit: 'initials', showCountry: false } });
		await service().review({ user: await me(lead), workId: work.id, input: { decision: 'approve' } });
		return work.id;
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		libre = await startLibreTranslate();
		[app, browser] = await Promise.all([startTessera({ translator: 'libretranslate', libreTranslateUrl: libre.url }), launchBrowser()]);
		// The first account is the program's lead (admin).
		lead = await newUser(app.url, { role: 'mentor', displayName: 'Program Lead' });
		amal = await newUser(app.url, { role: 'mentor', displayName: 'Amal Haddad', country: 'EG', timezone: 'Africa/Cairo' });
		lucia = await newUser(app.url, { role: 'mentee', displayName: 'Lucía Pérez', country: 'ES', timezone: 'Europe/Madrid', readingLanguage: 'es' });
		for (const who of [amal, lucia]) expect([200, 201]).toContain((await api(app.url, '/api/v1/me/consents', { token: who.token, body: { purpose: 'exhibition' } })).status);
		const spaceId = await createSpace(app.url, amal, { title: 'Harbour studio' });
		await joinSpace(app.url, amal, lucia, spaceId);

		const canvasId = await createDocument(app.url, amal, spaceId, { kind: 'canvas', title: 'Harbour' });
		const canvasVersion = await writeTogether(canvasId, (doc, who) =>
			who === amal
				? (addShape(doc, who, 'sea', { type: 'rect', x: 0, y: 0, w: 640, h: 360, stroke: '#1d4ed8', fill: '#1e3a8a', z: 'a0' }),
					addShape(doc, who, 'lantern', { type: 'ellipse', x: 420, y: 60, w: 80, h: 80, stroke: '#b45309', fill: '#f4c56a', z: 'a1' }),
					addShape(doc, who, 'pier', { type: 'image', x: 40, y: 40, w: 160, h: 160, src: PNG, alt: 'The pier at dusk', z: 'a2' }))
				: (addShape(doc, who, 'boat', { type: 'rect', x: 260, y: 220, w: 140, h: 50, stroke: '#b42318', fill: '#e8836b', z: 'a3' }),
					addShape(doc, who, 'note', { type: 'sticky', x: 440, y: 200, w: 160, h: 120, fill: '#fcefd6', text: 'Nos vemos en el puerto', z: 'a4' }))
		);
		const textId = await createDocument(app.url, amal, spaceId, { kind: 'text', title: 'Letters' });
		const textVersion = await writeTogether(textId, (doc, who) => appendParagraph(doc, who === amal ? 'Dear Lucía, the lantern is lit again.' : 'Querida Amal, aquí llueve sin parar.'));

		canvasWorkId = await publicWork(canvasId, canvasVersion, CANVAS);
		textWorkId = await publicWork(textId, textVersion, TEXT);
		const adminMe = await me(lead);
		const exhibition = await service().createExhibition({ user: adminMe, input: { title: 'Bridges over water', introduction: 'Works from the spring term.\nMade in two languages, in one studio.', lang: 'en' } });
		await service().setExhibitionWorks({ user: adminMe, id: exhibition.id, workIds: [canvasWorkId, textWorkId] });
		await service().setPublished({ user: adminMe, id: exhibition.id, published: true });
		slug = exhibition.slug;
	}, 120_000);

	afterAll(async () => {
		for (const c of clients) c.destroy();
		for (const c of contexts) await c.close();
		await browser?.close();
		await app?.close();
		await libre?.close();
	});

	it('a visitor without an account finds the exhibition in Spanish and sees each work translated, with its image, credits and the original a click away', async () => {
		const page = await visitor({ locale: 'es-ES' });
		await page.goto(`${app.url}/exhibitions`);
		expect(await page.locator('html').getAttribute('lang')).toBe('es');
		await page.getByRole('heading', { level: 1, name: es.exh_list_heading }).waitFor();
		const response = page.waitForResponse((r) => r.url().endsWith(`/exhibitions/${slug}`));
		await page.locator('[data-exhibitions] a').first().click();
		const res = await response;
		expect(res.status()).toBe(200);
		expect(res.headers()['cache-control']).toBe('no-store');

		// The fake translator writes "[es] …": the visitor reads the machine translation, marked as one, in Spanish.
		const h1 = page.getByRole('heading', { level: 1 });
		expect(await h1.textContent()).toContain('[es] Bridges over water');
		expect(await h1.getAttribute('lang')).toBe('es');
		const canvas = page.locator(`[data-work="${canvasWorkId}"]`);
		const text = page.locator(`[data-work="${textWorkId}"]`);
		expect(await canvas.getByRole('heading', { level: 3 }).textContent()).toContain(`[es] ${CANVAS.title}`);
		expect(await canvas.locator('[data-statement]').textContent()).toContain(`[es] ${CANVAS.statement}`);
		expect(await canvas.locator('[data-credits]').textContent()).toContain('Amal Haddad');
		expect(await canvas.locator('[data-credits]').textContent()).toContain('Egipto');
		expect(await canvas.locator('[data-credits]').textContent()).not.toContain('Lucía Pérez');

		// The canvas is an image in a figure, with its alt text; it loads.
		const img = canvas.locator('figure img');
		expect(await img.getAttribute('alt')).toContain(`[es] ${CANVAS.altText}`);
		expect(await img.getAttribute('src')).toBe(`/exhibitions/${slug}/works/${canvasWorkId}.svg`);
		await waitFor(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), { what: 'the canvas image to load' });
		expect(await canvas.locator('figure figcaption h3').count()).toBe(1);

		// The text document is the server's HTML, in the language it was written in.
		const article = text.locator('article[data-work-text]');
		expect(await article.getAttribute('lang')).toBe('en');
		expect(await article.textContent()).toContain('Dear Lucía, the lantern is lit again.');
		expect(await article.locator('script, [onerror], [onclick]').count()).toBe(0);

		// The original, one click away, in its own language.
		const details = canvas.locator('details[data-original]');
		expect(await canvas.locator('[data-machine-translated]').textContent()).toContain(fill(es.exh_machine_translated, { provider: 'LibreTranslate' }).replace(/\.$/, ''));
		await details.getByText(fill(es.exh_show_original, { language: 'inglés' })).click();
		const original = details.locator('p[lang="en"]').first();
		expect(await original.isVisible()).toBe(true);
		expect(await original.textContent()).toBe(CANVAS.title);

		await expectNoAxeViolations(page, 'exhibition (es)');
		await shoot(page, 'exhibition-es-desktop');
		await page.setViewportSize({ width: 320, height: 800 });
		await shoot(page, 'exhibition-es-320');
		await page.emulateMedia({ colorScheme: 'dark' });
		await expectNoAxeViolations(page, 'exhibition (es, dark)');
		await shoot(page, 'exhibition-es-320-dark');
	});

	it('in Arabic the page reads right to left, each text marked with its language and direction, and passes axe in light and dark', async () => {
		const page = await visitor({ locale: 'ar-EG', colorScheme: 'dark' });
		await page.goto(`${app.url}/exhibitions/${slug}`);
		expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
		expect(await page.locator('html').getAttribute('lang')).toBe('ar');
		const canvas = page.locator(`[data-work="${canvasWorkId}"]`);
		const title = canvas.locator('[data-work-title]');
		expect(await title.textContent()).toContain(`[ar] ${CANVAS.title}`);
		expect(await title.getAttribute('lang')).toBe('ar');
		expect(await title.getAttribute('dir')).toBe('rtl');
		expect(await canvas.locator('[data-credits]').textContent()).toContain(fill(ar.exh_by, { credits: '' }).trim());
		// The English original keeps its own language and direction inside the Arabic page.
		const original = canvas.locator('details[data-original] p[lang="en"]').first();
		expect(await original.getAttribute('dir')).toBe('ltr');
		expect(await page.locator(`[data-work="${textWorkId}"] article[data-work-text]`).getAttribute('dir')).toBe('ltr');
		await expectNoAxeViolations(page, 'exhibition (ar, dark)');
		await shoot(page, 'exhibition-ar-desktop-dark');
		await page.emulateMedia({ colorScheme: 'light' });
		await expectNoAxeViolations(page, 'exhibition (ar)');
		await shoot(page, 'exhibition-ar-desktop');
		await page.setViewportSize({ width: 320, height: 800 });
		await shoot(page, 'exhibition-ar-320');
	});

	it('without JavaScript the page is complete, the original opens, and the language switcher changes the language', async () => {
		const page = await visitor({ locale: 'es-ES', javaScriptEnabled: false });
		await page.goto(`${app.url}/exhibitions/${slug}`);
		// Server-rendered only: no hydration script on the page.
		expect(await page.locator('script[src], script:not([type="application/json"])').count()).toBe(0);
		expect(await page.locator('[data-work]').count()).toBe(2);
		expect(await page.locator(`[data-work="${canvasWorkId}"] img`).getAttribute('alt')).toContain(CANVAS.altText);
		const details = page.locator(`[data-work="${textWorkId}"] details[data-original]`);
		await details.locator('summary').click();
		expect(await details.locator('p[lang="en"]').first().isVisible()).toBe(true);
		await page.locator('#ui-language').selectOption('ar');
		await Promise.all([page.waitForURL(`${app.url}/exhibitions/${slug}`), page.getByRole('button', { name: es.language_apply_label }).click()]);
		expect(await page.locator('html').getAttribute('lang')).toBe('ar');
		expect(await page.locator(`[data-work="${canvasWorkId}"] [data-work-title]`).textContent()).toContain('[ar]');
	});

	it('the canvas asset is an SVG that can run nothing; an unknown exhibition or work is not found', async () => {
		const res = await fetch(`${app.url}/exhibitions/${slug}/works/${canvasWorkId}.svg`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
		const svg = await res.text();
		expect(svg).toContain('<svg');
		expect(svg).not.toMatch(/<script|javascript:/i);
		// A text work has no image; nor has an exhibition that does not exist.
		expect((await fetch(`${app.url}/exhibitions/${slug}/works/${textWorkId}.svg`)).status).toBe(404);
		expect((await fetch(`${app.url}/exhibitions/no-such-exhibition/works/${canvasWorkId}.svg`)).status).toBe(404);
		const page = await visitor({ locale: 'en-GB' });
		const missing = await page.goto(`${app.url}/exhibitions/no-such-exhibition`);
		expect(missing?.status()).toBe(404);
		await page.getByRole('heading', { level: 1, name: en.error_not_found_heading }).waitFor();
	});

	it('a member searches the archive by keyboard and downloads a PDF of a work', async () => {
		const context = await newContext(browser, { locale: 'en-GB', acceptDownloads: true });
		contexts.push(context);
		expect((await context.request.post(`${app.url}/api/v1/sessions`, { data: { email: lucia.email, password: lucia.password } })).status()).toBe(201);
		const page = await context.newPage();
		await page.goto(`${app.url}/spaces`);
		await page.getByRole('navigation', { name: en.nav_label }).getByRole('link', { name: en.nav_archive }).click();
		await page.getByRole('heading', { level: 1, name: en.archive_heading }).waitFor();
		await tabTo(page, '#archive-q');
		await page.keyboard.type('Letters');
		await tabTo(page, 'form[data-archive-search] button[type="submit"]');
		await Promise.all([page.waitForURL((url) => url.searchParams.get('q') === 'Letters'), page.keyboard.press('Enter')]);
		const item = page.locator(`[data-archive-item="${textWorkId}"]`);
		await item.waitFor();
		expect(await page.locator(`[data-archive-item="${canvasWorkId}"]`).count()).toBe(0);
		expect(await item.textContent()).toContain('Amal Haddad');
		await expectNoAxeViolations(page, 'archive with results');
		await shoot(page, 'archive-en-desktop');

		await tabTo(page, `[data-archive-item="${textWorkId}"] a[data-download="pdf"]`, 40);
		const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
		expect(download.suggestedFilename()).toMatch(/\.pdf$/);
		const bytes = await readFile((await download.path())!);
		expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');

		// A day that is not in the calendar is refused in words, and the search keeps what was typed.
		await page.goto(`${app.url}/archive?q=Letters&from=2026-02-31`);
		await page.getByRole('alert').getByText(en.error_invalid_input).waitFor();
		expect(await page.locator('#archive-from-error').textContent()).toBe(en.error_exhibitions_date_invalid);
		expect(await page.getByLabel(en.archive_q, { exact: true }).inputValue()).toBe('Letters');
		await expectNoAxeViolations(page, 'archive with a bad date');
	});

	it('when a contributor withdraws, the work leaves the page and its image at once', async () => {
		await service().decide({ user: await me(lucia), workId: canvasWorkId, input: { decision: 'withdrawn', credit: 'initials', showCountry: false } });
		const page = await visitor({ locale: 'es-ES' });
		await page.goto(`${app.url}/exhibitions/${slug}`);
		expect(await page.locator(`[data-work="${canvasWorkId}"]`).count()).toBe(0);
		expect(await page.locator(`[data-work="${textWorkId}"]`).count()).toBe(1);
		expect((await fetch(`${app.url}/exhibitions/${slug}/works/${canvasWorkId}.svg`)).status).toBe(404);
		// Gone from the archive and its downloads too.
		const download = await api(app.url, `/archive/${canvasWorkId}/download?format=pdf`, { token: amal.token });
		expect(download.status).toBe(404);
	});
});
