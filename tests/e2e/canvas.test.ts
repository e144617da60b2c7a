import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, uniqueEmail, type E2eServer } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

const lead = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const amal = { email: uniqueEmail('amal'), password: 'my cat sleeps on the piano', displayName: 'Amal' };
const lucia = { email: uniqueEmail('lucia'), password: 'tea at five under the old oak', displayName: 'Lucía' };
const omar = { email: uniqueEmail('omar'), password: 'quiet owls watch the river', displayName: 'عمر' };

const STAGE = 'svg[role="application"]';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describeBrowser('canvas: two people draw together, a keyboard user adds a note, an observer looks on', () => {
	let app: E2eServer;
	let browser: Browser;
	let amalContext: BrowserContext;
	let luciaContext: BrowserContext;
	let a: Page;
	let b: Page;
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

	/** Opens the canvas and waits until it is synced and drawn. */
	async function openCanvas(page: Page) {
		await page.goto(docUrl);
		await page.locator(STAGE).waitFor();
	}

	function outlineItems(page: Page, messages: typeof en = en) {
		return page.getByRole('region', { name: messages.canvas_outline_heading }).getByRole('listitem');
	}

	/** A shape's own button in the list (a selected shape's move and resize buttons come after it). */
	function itemButton(item: Locator) {
		return item.getByRole('button').first();
	}

	function shapesInDrawing(page: Page) {
		return page.locator(`${STAGE} [data-shape-id]`);
	}

	/** The stage's box on screen, scrolled into view first so the mouse can reach all of it. */
	async function stageBox(page: Page) {
		await page.locator(STAGE).scrollIntoViewIfNeeded();
		const box = await page.locator(STAGE).boundingBox();
		expect(box).not.toBeNull();
		return box!;
	}

	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}

	/**
	 * A canvas takes the page's full width: on a desktop the shape list sits beside the drawing (on the right in
	 * English, on the left in Arabic), on a phone below it; history and people come after the canvas on both.
	 */
	async function expectLayout(page: Page, messages: typeof en, wide: boolean) {
		const stage = (await page.locator(STAGE).boundingBox())!;
		const outline = (await page.getByRole('region', { name: messages.canvas_outline_heading }).boundingBox())!;
		const history = (await page.getByRole('region', { name: messages.docs_history_heading }).boundingBox())!;
		const rtl = messages === ar;
		if (wide) {
			if (rtl) expect(outline.x + outline.width).toBeLessThanOrEqual(stage.x);
			else expect(outline.x).toBeGreaterThanOrEqual(stage.x + stage.width);
			expect(outline.y).toBeLessThan(stage.y + stage.height);
		} else {
			expect(outline.y).toBeGreaterThanOrEqual(stage.y + stage.height);
		}
		expect(history.y).toBeGreaterThanOrEqual(Math.max(stage.y + stage.height, outline.y + outline.height));
		// The drawing is never squeezed: at least half the viewport wide on a desktop, nearly all of it on a phone.
		expect(stage.width).toBeGreaterThan(page.viewportSize()!.width * (wide ? 0.5 : 0.8));
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
		const space = await (await amalContext.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: 'Map makers', kind: 'collective' } })).json();
		const memberInvite = await (await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { role: 'member' } })).json();
		expect((await luciaContext.request.post(`${app.url}/api/v1/invites/${memberInvite.code}/accept`, { headers })).status()).toBe(200);
		const observerInvite = await (await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { role: 'observer' } })).json();
		const omarContext = await personContext(omar);
		expect((await omarContext.request.post(`${app.url}/api/v1/invites/${observerInvite.code}/accept`, { headers })).status()).toBe(200);
		await omarContext.close();
		const created = await amalContext.request.post(`${app.url}/api/v1/spaces/${space.id}/documents`, { headers, data: { kind: 'canvas', title: 'Our treasure map' } });
		expect(created.status()).toBe(201);
		docUrl = `${app.url}/spaces/${space.id}/documents/${(await created.json()).id}`;
		a = await amalContext.newPage();
		b = await luciaContext.newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('both members open the empty canvas: tools, an empty shape list, and no axe violations', async () => {
		await Promise.all([openCanvas(a), openCanvas(b)]);
		for (const page of [a, b]) {
			expect(await page.getByRole('group', { name: en.canvas_tools_label }).isVisible()).toBe(true);
			expect(await page.getByText(en.canvas_outline_empty).isVisible()).toBe(true);
			expect(await page.locator(STAGE).getAttribute('aria-label')).toBe(en.canvas_stage_label.replace('{count}', '0'));
		}
		await expectNoAxeViolations(a, 'empty canvas');
	});

	it('Amal draws a rectangle and a pen stroke with the mouse; Lucía sees both, in the drawing and in the list', async () => {
		await a.getByRole('button', { name: en.canvas_tool_rect, exact: true }).click();
		expect(await a.getByRole('button', { name: en.canvas_tool_rect, exact: true }).getAttribute('aria-pressed')).toBe('true');
		let box = await stageBox(a);
		await a.mouse.move(box.x + 80, box.y + 80);
		await a.mouse.down();
		await a.mouse.move(box.x + 200, box.y + 140, { steps: 6 });
		await a.mouse.move(box.x + 260, box.y + 180, { steps: 6 });
		await a.mouse.up();

		await a.getByRole('button', { name: en.canvas_tool_pen, exact: true }).click();
		box = await stageBox(a);
		await a.mouse.move(box.x + 320, box.y + 100);
		await a.mouse.down();
		for (let i = 1; i <= 20; i++) await a.mouse.move(box.x + 320 + i * 8, box.y + 100 + Math.sin(i / 3) * 30);
		await a.mouse.up();

		await expect.poll(() => outlineItems(a).count()).toBe(2);
		await expect.poll(() => outlineItems(b).count(), { timeout: 10_000 }).toBe(2);
		const items = await outlineItems(b).allTextContents();
		expect(items[0]).toContain(en.canvas_type_rect);
		expect(items[1]).toContain(en.canvas_type_pen);
		for (const item of items) expect(item).toContain(en.canvas_by.replace('{name}', 'Amal'));

		expect(await shapesInDrawing(b).count()).toBe(2);
		const rect = b.locator(`${STAGE} [data-shape-id] rect`).first();
		expect(Number(await rect.getAttribute('width'))).toBeCloseTo(180, -1);
		expect(Number(await rect.getAttribute('height'))).toBeCloseTo(100, -1);
		const pen = b.locator(`${STAGE} [data-shape-id] path`).first();
		expect((await pen.getAttribute('d'))?.length).toBeGreaterThan(50);
		expect(await b.locator(STAGE).getAttribute('aria-label')).toBe(en.canvas_stage_label.replace('{count}', '2'));
	});

	it('Lucía sees Amal’s cursor with her name where Amal points', async () => {
		const box = await stageBox(a);
		await a.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 4 });
		const cursor = b.locator(`${STAGE} [data-cursor="Amal"]`);
		await cursor.waitFor({ timeout: 10_000 });
		expect(await cursor.textContent()).toBe('Amal');
	});

	it('with the keyboard alone, Amal adds a sticky note with text and a description, then moves it with the arrow keys', async () => {
		await a.getByRole('button', { name: en.canvas_add_sticky }).focus();
		await a.keyboard.press('Enter');
		// The editor opens with focus in the note's text.
		const text = a.getByRole('textbox', { name: en.canvas_field_text });
		await expect.poll(() => text.evaluate((el) => el === document.activeElement)).toBe(true);
		await a.keyboard.type('Treasure is under the old oak');
		await a.keyboard.press('Tab');
		await a.keyboard.type('A sticky note with our first clue');
		await a.keyboard.press('Tab');
		await a.keyboard.press('Enter');

		// Focus comes back to the note in the list, selected, ready to move.
		const item = itemButton(outlineItems(a).last());
		await expect.poll(() => item.evaluate((el) => el === document.activeElement)).toBe(true);
		expect(await item.getAttribute('aria-current')).toBe('true');
		expect(await item.textContent()).toContain('Treasure is under the old oak');
		const before = await a.locator(`${STAGE} [data-shape-id]`).last().locator('rect').first().getAttribute('x');
		await a.keyboard.press('ArrowRight');
		await a.keyboard.press('Shift+ArrowDown');
		await a.getByRole('status').filter({ hasText: /moved to/ }).waitFor();
		const after = await a.locator(`${STAGE} [data-shape-id]`).last().locator('rect').first().getAttribute('x');
		expect(Number(after) - Number(before)).toBe(10);

		await expect.poll(() => outlineItems(b).count(), { timeout: 10_000 }).toBe(3);
		expect(await outlineItems(b).last().textContent()).toContain('Treasure is under the old oak');
		expect(await outlineItems(b).last().textContent()).toContain('A sticky note with our first clue');
		await b.locator(`${STAGE} text`, { hasText: 'Treasure' }).first().waitFor();
		await expectNoAxeViolations(a, 'canvas with shapes (member)');
		await expectNoAxeViolations(b, 'canvas with shapes (other member)');
	});

	it('undo takes back only Amal’s own last step, never Lucía’s', async () => {
		await b.getByRole('button', { name: en.canvas_add_ellipse }).click();
		await expect.poll(() => outlineItems(a).count(), { timeout: 10_000 }).toBe(4);
		// Amal's last step was the keyboard move of her note; undo moves it back and leaves Lucía's ellipse. Quick
		// repeats undo together, but whether the two presses came within the 400 ms that merges them depends on the
		// machine's load, so look at y, which only the last press (Shift + Down) changed.
		const note = a.locator(`${STAGE} [data-shape-id]`).nth(2).locator('rect').first();
		const moved = Number(await note.getAttribute('y'));
		await a.locator(STAGE).focus();
		await a.keyboard.press('Control+z');
		await expect.poll(async () => Number(await note.getAttribute('y'))).toBe(moved - 50);
		expect(await outlineItems(a).count()).toBe(4);
		expect(await outlineItems(b).last().textContent()).toContain(en.canvas_type_ellipse);
	});

	it('Lucía drags Amal’s rectangle to a new place and resizes it by a corner handle; Amal sees both', async () => {
		const box = await stageBox(b);
		// The rectangle was drawn from (80, 80) to (260, 180) at 100 %, and nobody has panned.
		await b.mouse.move(box.x + 150, box.y + 130);
		await b.mouse.down();
		await b.mouse.move(box.x + 200, box.y + 155, { steps: 5 });
		await b.mouse.move(box.x + 250, box.y + 180, { steps: 5 });
		await b.mouse.up();
		const rectOnA = a.locator(`${STAGE} [data-shape-id]`).first().locator('rect');
		await expect.poll(async () => [await rectOnA.getAttribute('x'), await rectOnA.getAttribute('y')], { timeout: 10_000 }).toEqual(['180', '130']);

		// The rectangle is selected, so its bottom-right handle is at (360, 230).
		await b.mouse.move(box.x + 360, box.y + 230);
		await b.mouse.down();
		await b.mouse.move(box.x + 380, box.y + 245, { steps: 4 });
		await b.mouse.move(box.x + 400, box.y + 260, { steps: 4 });
		await b.mouse.up();
		await expect.poll(async () => [await rectOnA.getAttribute('width'), await rectOnA.getAttribute('height')], { timeout: 10_000 }).toEqual(['220', '130']);
	});

	it('without dragging or the keyboard, Lucía moves and resizes the rectangle with one click per step; Amal sees it', async () => {
		const box = await stageBox(b);
		const adjust = b.getByRole('group', { name: en.canvas_adjust_heading });
		// A click on empty paper lets go of the rectangle; a click on it (at 180, 130 to 400, 260, partly under the
		// sticky note) selects it and shows its buttons in the list.
		await b.mouse.click(box.x + 30, box.y + 30);
		await expect.poll(() => adjust.count()).toBe(0);
		await b.mouse.click(box.x + 230, box.y + 150);
		await adjust.waitFor();
		const rectItem = outlineItems(b).first();
		expect(await rectItem.getByRole('group', { name: en.canvas_adjust_heading }).isVisible()).toBe(true);
		expect(await itemButton(rectItem).getAttribute('aria-current')).toBe('true');

		const status = b.getByRole('status');
		const click = (name: string) => adjust.getByRole('button', { name, exact: true }).click();
		await click(en.canvas_move_right);
		await click(en.canvas_move_right);
		await click(en.canvas_move_down);
		await status.filter({ hasText: en.canvas_announce_moved.replace('{shape}', en.canvas_type_rect).replace('{x}', '200').replace('{y}', '140') }).waitFor();
		await click(en.canvas_wider);
		await click(en.canvas_wider);
		await click(en.canvas_wider);
		await click(en.canvas_shorter);
		await status.filter({ hasText: en.canvas_announce_resized.replace('{shape}', en.canvas_type_rect).replace('{w}', '250').replace('{h}', '120') }).waitFor();
		// Focus stayed on the last button clicked, and the rectangle is still the one selected.
		expect(await b.evaluate(() => document.activeElement?.textContent)).toBe(en.canvas_shorter);

		const rectOnB = b.locator(`${STAGE} [data-shape-id]`).first().locator('rect');
		const rectOnA = a.locator(`${STAGE} [data-shape-id]`).first().locator('rect');
		const geometry = async (rect: typeof rectOnA) => Promise.all(['x', 'y', 'width', 'height'].map((name) => rect.getAttribute(name)));
		expect(await geometry(rectOnB)).toEqual(['200', '140', '250', '120']);
		await expect.poll(() => geometry(rectOnA), { timeout: 10_000 }).toEqual(['200', '140', '250', '120']);
		await expectNoAxeViolations(b, 'canvas with the move and resize buttons');
	});

	it('Alt + Shift + arrow keys resize the selected shape from the list, as the hint says; Amal sees it', async () => {
		expect(await b.getByText(en.canvas_outline_hint).isVisible()).toBe(true);
		expect(en.canvas_outline_hint).toContain('Alt + Shift + arrow keys resize');
		expect(en.canvas_stage_hint).toContain('Alt + Shift + arrow keys resize');
		await itemButton(outlineItems(b).first()).focus();
		await b.keyboard.press('Alt+Shift+ArrowDown');
		await b.keyboard.press('Alt+Shift+ArrowLeft');
		await b
			.getByRole('status')
			.filter({ hasText: en.canvas_announce_resized.replace('{shape}', en.canvas_type_rect).replace('{w}', '240').replace('{h}', '130') })
			.waitFor();
		const rectOnA = a.locator(`${STAGE} [data-shape-id]`).first().locator('rect');
		await expect.poll(async () => [await rectOnA.getAttribute('width'), await rectOnA.getAttribute('height')], { timeout: 10_000 }).toEqual(['240', '130']);
		// The position did not change: Alt + Shift + arrows never move.
		expect([await rectOnA.getAttribute('x'), await rectOnA.getAttribute('y')]).toEqual(['200', '140']);
	});

	it('an image added from a file asks for a description, which the list and the other person get', async () => {
		const picture = await a.screenshot({ clip: { x: 0, y: 0, width: 160, height: 90 } });
		await a.locator('input[type="file"]').setInputFiles({ name: 'clue.png', mimeType: 'image/png', buffer: picture });
		const description = a.getByRole('textbox', { name: en.canvas_field_alt, exact: true });
		await expect.poll(() => description.evaluate((el) => el === document.activeElement)).toBe(true);
		await a.keyboard.type('A photo of the old oak');
		await a.keyboard.press('Control+Enter');

		await expect.poll(() => outlineItems(b).count(), { timeout: 10_000 }).toBe(5);
		const item = await outlineItems(b).last().textContent();
		expect(item).toContain(en.canvas_type_image);
		expect(item).toContain('A photo of the old oak');
		expect(await b.locator(`${STAGE} image`).getAttribute('href')).toMatch(/^data:image\/(webp|jpeg);base64,/);
	});

	it('from the list, [ sends a shape back one place and Delete removes it; focus stays in the list', async () => {
		const ellipse = itemButton(outlineItems(b).nth(3));
		expect(await ellipse.textContent()).toContain(en.canvas_type_ellipse);
		await ellipse.focus();
		await b.keyboard.press('[');
		await b.getByRole('status').filter({ hasText: en.canvas_announce_backward.replace('{shape}', en.canvas_type_ellipse) }).waitFor();
		expect(await outlineItems(b).nth(2).textContent()).toContain(en.canvas_type_ellipse);
		expect(await b.evaluate(() => document.activeElement?.textContent)).toContain(en.canvas_type_ellipse);
		await expect.poll(() => outlineItems(a).nth(2).textContent(), { timeout: 10_000 }).toContain(en.canvas_type_ellipse);

		await b.keyboard.press('Delete');
		await b.getByRole('status').filter({ hasText: en.canvas_announce_deleted.replace('{shape}', en.canvas_type_ellipse) }).waitFor();
		// The sticky note took its place, and has focus now.
		expect(await b.evaluate(() => document.activeElement?.textContent)).toContain(en.canvas_type_sticky);
		await expect.poll(() => outlineItems(a).count(), { timeout: 10_000 }).toBe(4);
		expect(await outlineItems(a).allTextContents()).not.toContain(expect.stringContaining(en.canvas_type_ellipse));
	});

	it('PNG export downloads a real PNG image, and SVG export the drawing with its text', async () => {
		const [png] = await Promise.all([a.waitForEvent('download'), a.getByRole('button', { name: en.canvas_export_png }).click()]);
		expect(png.suggestedFilename()).toBe('Our-treasure-map.png');
		const bytes = readFileSync((await png.path())!);
		expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
		expect(bytes.length).toBeGreaterThan(2000);
		// IHDR: width and height of a drawing this size, at twice the resolution.
		expect(bytes.readUInt32BE(16)).toBeGreaterThan(400);
		expect(bytes.readUInt32BE(20)).toBeGreaterThan(200);

		const [svg] = await Promise.all([a.waitForEvent('download'), a.getByRole('button', { name: en.canvas_export_svg }).click()]);
		expect(svg.suggestedFilename()).toBe('Our-treasure-map.svg');
		const xml = readFileSync((await svg.path())!, 'utf8');
		expect(xml).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
		expect(xml).toContain('<title>Our treasure map</title>');
		expect(xml).toContain('Treasure is under the old oak');
		expect(xml).toContain('A sticky note with our first clue');
		expect(xml).toContain('A photo of the old oak');
		expect(xml).toMatch(/<image href="data:image\/(webp|jpeg);base64,/);
	});

	it('an observer sees everything and can pan, zoom and export, but cannot draw, move or delete', async () => {
		const context = await personContext(omar, { locale: 'ar-EG' });
		const page = await context.newPage();
		await openCanvas(page);
		expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
		await expect.poll(() => outlineItems(page, ar).count(), { timeout: 10_000 }).toBe(4);
		expect(await page.getByText(ar.canvas_read_only).isVisible()).toBe(true);
		// The hint under the drawing offers only what an observer can do.
		expect(await page.getByText(ar.canvas_stage_hint_read_only).isVisible()).toBe(true);
		expect(await page.getByText(ar.canvas_stage_hint).count()).toBe(0);
		expect(await page.getByRole('group', { name: ar.canvas_tools_label }).count()).toBe(0);
		expect(await page.getByRole('button', { name: ar.canvas_add_sticky }).count()).toBe(0);
		expect(await page.getByRole('button', { name: ar.canvas_export_png }).isVisible()).toBe(true);

		// A drag on the paper pans; it draws nothing.
		const box = await stageBox(page);
		const viewBefore = await page.locator(STAGE).getAttribute('viewBox');
		await page.mouse.move(box.x + 100, box.y + 400);
		await page.mouse.down();
		await page.mouse.move(box.x + 200, box.y + 450, { steps: 5 });
		await page.mouse.up();
		expect(await page.locator(STAGE).getAttribute('viewBox')).not.toBe(viewBefore);
		await page.getByRole('button', { name: ar.canvas_zoom_in }).click();

		// Keys that would move or delete do nothing to the shared drawing.
		const first = itemButton(outlineItems(page, ar).first());
		await first.focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Delete');
		await page.getByRole('status').filter({ hasText: ar.canvas_announce_read_only }).waitFor();
		// No buttons to move or resize either.
		expect(await page.getByRole('group', { name: ar.canvas_adjust_heading }).count()).toBe(0);
		expect(await outlineItems(page, ar).count()).toBe(4);
		expect(await shapesInDrawing(page).count()).toBe(4);
		expect(await outlineItems(a).count()).toBe(4);
		await expectNoAxeViolations(page, 'canvas (observer, ar)');
		await context.close();
	});

	it('screenshots in English and Arabic, desktop and phone, pass axe and fit the width', async () => {
		const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
		for (const [name, person, options] of [
			['en', lucia, { locale: 'en-GB' }],
			['ar', lucia, { locale: 'ar-EG' }],
			['en-phone', lucia, { locale: 'en-GB', ...phone }],
			['ar-phone', lucia, { locale: 'ar-EG', ...phone, colorScheme: 'dark' as const }],
			['ar-observer', omar, { locale: 'ar-EG' }],
			['en-observer-phone', omar, { locale: 'en-GB', ...phone }]
		] as const) {
			const context = await personContext(person, options);
			const page = await context.newPage();
			await openCanvas(page);
			await expect.poll(() => shapesInDrawing(page).count(), { timeout: 10_000 }).toBe(4);
			// Select the note so its handles and the list's highlight show.
			const messages = (await page.evaluate(() => document.documentElement.lang)) === 'ar' ? ar : en;
			await itemButton(outlineItems(page, messages).nth(2)).focus();
			await expectLayout(page, messages, !name.includes('phone'));
			await shoot(page, `canvas-${name}`);
			await expectNoAxeViolations(page, `canvas (${name})`);
			await context.close();
		}
	});
});
