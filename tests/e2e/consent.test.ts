import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { outbox } from '../../server/db/schema';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, uniqueEmail, type E2eServer } from './browser';

const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

/** A birth date that makes someone `n` today. */
const yearsAgo = (n: number) => {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - n);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
};

describeBrowser('guardian consent in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		[app, browser] = await Promise.all([startTessera(), launchBrowser()]);
		await signUpViaApi(app.url, { email: uniqueEmail('admin'), password: 'the program lead keeps the keys', displayName: 'Program Lead' });
		page = await (await newContext(browser)).newPage();
		mkdirSync(SHOTS, { recursive: true });
	});
	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('the sign-up form asks for a parent or guardian only when the birth date and country call for one', async () => {
		await page.goto(`${app.url}/signup`);
		await page.waitForLoadState('networkidle');
		expect(await page.getByLabel(en.field_guardian_email).count()).toBe(0);
		await page.getByLabel(en.field_country).selectOption('GB');
		await page.getByLabel(en.field_birth_date).fill(yearsAgo(13));
		const guardianName = page.getByLabel(en.field_guardian_name);
		await guardianName.waitFor();
		expect(await page.getByRole('heading', { name: en.signup_section_guardian }).isVisible()).toBe(true);
		expect(await page.getByText(en.signup_guardian_explain.replace('{age}', '16')).isVisible()).toBe(true);
		await page.getByLabel(en.field_guardian_email).scrollIntoViewIfNeeded();
		await page.screenshot({ path: join(SHOTS, 'signup-guardian-fields-en.png'), fullPage: true });
		await expectNoAxeViolations(page, 'signup with guardian fields');
		// Old enough: the fields go away again.
		await page.getByLabel(en.field_birth_date).fill(yearsAgo(17));
		await guardianName.waitFor({ state: 'detached' });
	});

	it('a 13-year-old who leaves the guardian out is told next to the fields, then signs up and waits for consent', async () => {
		await page.goto(`${app.url}/signup`);
		await page.waitForLoadState('networkidle');
		await page.getByLabel(en.field_email).fill(uniqueEmail('kid'));
		await page.getByLabel(en.field_password).fill('my cat sleeps on the piano');
		await page.getByLabel(en.field_display_name).fill('Lina');
		await page.getByLabel(en.field_birth_date).fill(yearsAgo(13));
		await page.getByLabel(en.field_country).selectOption('GB');
		await page.getByLabel(en.field_timezone).selectOption('Europe/London');
		await page.getByRole('button', { name: en.signup_submit }).click();
		await page.getByText(en.error_guardian_required).first().waitFor();
		// As after any refusal, everything typed stays except the password.
		await page.getByLabel(en.field_password).fill('my cat sleeps on the piano');
		await page.getByLabel(en.field_guardian_name).fill('Rosa');
		await page.getByLabel(en.field_guardian_email).fill(uniqueEmail('rosa'));
		await page.getByRole('button', { name: en.signup_submit }).click();
		await page.waitForURL(/\/consent$/).catch(async (e: Error) => {
			throw new Error(`${e.message}; the page says: ${await page.locator('main').innerText()}`);
		});
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en.consent_pending_heading);
		// The ledger below: nothing given yet, and nothing this 13-year-old can give alone.
		expect(await page.getByText(en.consent_not_given).count()).toBe(4);
		expect(await page.getByRole('button', { name: en.consent_give }).count()).toBe(0);
		await page.screenshot({ path: join(SHOTS, 'consent-pending-en.png'), fullPage: true });
		await expectNoAxeViolations(page, 'consent pending');
	});

	it('the guardian page reads well in Arabic, right to left, with no axe violations', async () => {
		const guardianEmail = uniqueEmail('guardian');
		const res = await fetch(`${app.url}/api/v1/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: uniqueEmail('nour'),
				password: 'my cat sleeps on the piano',
				displayName: 'نور',
				role: 'mentee',
				birthDate: yearsAgo(12),
				country: 'EG',
				timezone: 'Africa/Cairo',
				readingLanguage: 'ar',
				uiLanguage: 'ar',
				guardianName: 'سلمى',
				guardianEmail
			})
		});
		expect(res.status).toBe(201);
		// The token only ever travels in the mail; read it from the database's outbox as an admin would see it.
		const [mail] = await app.server.app.database.db.select().from(outbox).where(eq(outbox.toAddress, guardianEmail));
		const link = /https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43}/.exec(mail!.body)![0];
		const arPage = await (await newContext(browser, { locale: 'ar' })).newPage();
		await arPage.goto(link);
		expect(await arPage.evaluate(() => document.documentElement.dir)).toBe('rtl');
		expect(await arPage.getByRole('checkbox', { name: ar.consent_purpose_participation }).isChecked()).toBe(true);
		await arPage.screenshot({ path: join(SHOTS, 'consent-guardian-ar.png'), fullPage: true });
		await expectNoAxeViolations(arPage, 'guardian consent (ar)');
		await arPage.getByRole('button', { name: ar.consent_submit }).click();
		await arPage.getByRole('heading', { name: ar.consent_done_heading }).waitFor();
		expect(await arPage.getByText(ar.consent_done_manage).isVisible()).toBe(true);

		// The standing link came by mail, in the language the guardian confirmed in: their page to change things later.
		const [standing] = await app.server.app.database.db
			.select()
			.from(outbox)
			.where(and(eq(outbox.toAddress, guardianEmail), eq(outbox.kind, 'guardian_link')));
		const manage = /https?:\/\/\S+\/guardian\/[A-Za-z0-9_-]{43}/.exec(standing!.body)![0];
		await arPage.goto(manage);
		expect(await arPage.evaluate(() => document.documentElement.dir)).toBe('rtl');
		const withdraw = arPage.getByRole('button', { name: ar.consent_withdraw_named!.replace('{purpose}', ar.guardian_label_participation!) });
		await withdraw.waitFor();
		await arPage.screenshot({ path: join(SHOTS, 'guardian-link-ar.png'), fullPage: true });
		await expectNoAxeViolations(arPage, 'guardian standing page (ar)');
		await withdraw.click();
		await arPage.getByText(ar.consent_withdrawn_done!).waitFor();
		await arPage.getByRole('button', { name: ar.consent_give_named!.replace('{purpose}', ar.guardian_label_participation!) }).waitFor();
	});
});
