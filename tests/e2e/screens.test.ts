import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIRequestContext, Browser, BrowserContextOptions, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { spaceInvites } from '../../server/db/schema';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, uniqueEmail, type E2eServer } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

const admin = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const mentor = { email: uniqueEmail('yuki'), password: 'paper cranes fly over kyoto', displayName: 'Yuki Tanaka', country: 'JP', timezone: 'Asia/Tokyo' };
const mentee = { email: uniqueEmail('nadia'), password: 'my cat sleeps on the piano', displayName: 'نادية', role: 'mentee' as const, birthDate: '2010-03-09', country: 'EG', timezone: 'Africa/Cairo', readingLanguage: 'ar' };

describeBrowser('screens: every page in English and Arabic, light, dark and phone-sized', () => {
	let app: E2eServer;
	let browser: Browser;
	let spaceUrl = '';
	let inviteUrl = '';
	let expiredInviteUrl = '';
	const secretTitle = 'Secret garden club';

	async function signIn(request: APIRequestContext, person: { email: string; password: string }) {
		const res = await request.post(`${app.url}/api/v1/sessions`, { data: { email: person.email, password: person.password } });
		expect(res.status()).toBe(201);
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera(), launchBrowser()]);
		const { id: adminId } = await signUpViaApi(app.url, admin);
		// This journey predates supervised spaces: the 16-year-old mentee works in spaces without a supervising
		// moderator, so the policy is switched off here (the rule itself: safeguarding-minors.test.ts).
		await app.server.app.safeguarding.updatePolicy({ actorId: adminId, patch: { supervisedSpacesForMinors: false } });
		await signUpViaApi(app.url, mentor);
		await signUpViaApi(app.url, mentee);
		// A space with two members and a live invite, made through the API like any client would.
		const setup = await browser.newContext();
		await signIn(setup.request, mentor);
		const headers = { origin: app.url };
		const space = await (await setup.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: 'Paper cranes & comics', kind: 'collective' } })).json();
		spaceUrl = `${app.url}/spaces/${space.id}`;
		const invite = await (await setup.request.post(`${app.url}/api/v1/spaces/${space.id}/invites`, { headers, data: { maxUses: null } })).json();
		inviteUrl = invite.url;
		const other = await browser.newContext();
		await signIn(other.request, mentee);
		expect((await other.request.post(`${app.url}/api/v1/invites/${invite.code}/accept`, { headers })).status()).toBe(200);
		// A link to another space that has since expired: its page must not say which space it was for.
		const secret = await (await setup.request.post(`${app.url}/api/v1/spaces`, { headers, data: { title: secretTitle, kind: 'pair' } })).json();
		const expired = await (await setup.request.post(`${app.url}/api/v1/spaces/${secret.id}/invites`, { headers, data: {} })).json();
		expiredInviteUrl = expired.url;
		await app.server.app.database.db.update(spaceInvites).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(spaceInvites.spaceId, secret.id));
		await Promise.all([setup.close(), other.close()]);
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		// Nothing may stick out sideways, in any language, at any width.
		// Against the viewport asked for: a mobile browser widens its layout viewport to fit overflowing content,
		// so window.innerWidth would grow with the very overflow this looks for.
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}

	async function tour(prefix: string, options: BrowserContextOptions) {
		const visitor = await newContext(browser, options);
		const page = await visitor.newPage();
		await page.goto(app.url);
		await shoot(page, `${prefix}-landing`);
		await page.goto(`${app.url}/signup`);
		await shoot(page, `${prefix}-signup`);
		await page.locator('main form button[type="submit"]').click();
		await page.getByRole('alert').waitFor();
		await shoot(page, `${prefix}-signup-errors`);
		await page.goto(`${app.url}/signin`);
		await shoot(page, `${prefix}-signin`);
		await page.goto(inviteUrl);
		await shoot(page, `${prefix}-invite`);
		await page.goto(expiredInviteUrl);
		expect(await page.content()).not.toContain(secretTitle);
		await shoot(page, `${prefix}-invite-expired`);
		await expectNoAxeViolations(page, `${prefix} expired invite`);
		await page.goto(`${app.url}/nowhere`);
		await shoot(page, `${prefix}-404`);
		await visitor.close();

		const member = await newContext(browser, options);
		await signIn(member.request, mentor);
		const p = await member.newPage();
		await p.goto(`${app.url}/spaces`);
		await shoot(p, `${prefix}-spaces`);
		await p.goto(spaceUrl);
		await p.locator('#invite-uses-multi').check();
		await p.locator('form[action="?/invite"] button[type="submit"]').click();
		await p.locator('#invite-url').waitFor();
		await shoot(p, `${prefix}-space`);
		await expectNoAxeViolations(p, `${prefix} space`);
		await p.goto(`${app.url}/profile`);
		await shoot(p, `${prefix}-profile`);
		await expectNoAxeViolations(p, `${prefix} profile`);
		await member.close();

		const lead = await newContext(browser, options);
		await signIn(lead.request, admin);
		const q = await lead.newPage();
		await q.goto(`${app.url}/admin/users`);
		await shoot(q, `${prefix}-admin-users`);
		await lead.close();
	}

	it('English, light, desktop', async () => {
		await tour('en', { locale: 'en-GB' });
	});

	it('Arabic, light, desktop, right to left', async () => {
		await tour('ar', { locale: 'ar-EG' });
	});

	it('English, dark, desktop, with AA contrast', async () => {
		await tour('en-dark', { locale: 'en-GB', colorScheme: 'dark' });
		const context = await newContext(browser, { colorScheme: 'dark' });
		const page = await context.newPage();
		await page.goto(app.url);
		await expectNoAxeViolations(page, 'landing (dark)');
		await context.close();
	});

	it('phone-sized screens in English and Arabic do not overflow', async () => {
		const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true };
		await tour('en-phone', { locale: 'en-GB', ...phone });
		await tour('ar-phone', { locale: 'ar-EG', ...phone, colorScheme: 'dark' });
	});

	it('an expired link says so in the reader\'s language, without the space\'s title', async () => {
		for (const [locale, messages] of [['en-GB', en], ['ar-EG', ar]] as const) {
			const context = await newContext(browser, { locale });
			const page = await context.newPage();
			await page.goto(expiredInviteUrl);
			expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(messages.invite_page_unavailable_heading);
			expect(await page.getByText(messages.invite_page_expired).isVisible()).toBe(true);
			expect(await page.title()).toBe(messages.invite_page_title_unavailable);
			expect(await page.content()).not.toContain(secretTitle);
			await context.close();
		}
	});

	it('the Arabic pages really are Arabic', async () => {
		const context = await newContext(browser, { locale: 'ar' });
		const page = await context.newPage();
		await page.goto(app.url);
		expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).not.toBe(en.landing_heading);
		await context.close();
	});
});
