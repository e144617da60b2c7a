import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import en from '../../messages/en.json';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer } from './browser';

const person = { email: uniqueEmail('noor'), password: 'a lantern by the window', displayName: 'Noor' };
const SHOTS = process.env.TESSERA_SHOTS_DIR;

describeBrowser('data rights in a real browser: download my data, delete my account', () => {
	let app: E2eServer;
	let browser: Browser;

	beforeAll(async () => {
		[app, browser] = await Promise.all([startTessera(), launchBrowser()]);
		await signUpViaApi(app.url, { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Lead' });
		await signUpViaApi(app.url, person);
	});
	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('by keyboard alone: the profile offers the download, refuses a wrong password, then deletes the account and signs out', async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		await page.goto(`${app.url}/signin`);
		await tabTo(page, '#signin-email');
		await page.keyboard.type(person.email);
		await page.keyboard.press('Tab');
		await page.keyboard.type(person.password);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${app.url}/spaces`);

		await page.goto(`${app.url}/profile`);
		const panel = page.getByRole('region', { name: en.profile_data_heading });
		await panel.waitFor();
		await expectNoAxeViolations(page, 'profile with data rights');
		if (SHOTS) await panel.screenshot({ path: `${SHOTS}/data-rights-panel.png` });

		// The download is a real file of this person's data.
		const download = panel.getByRole('link', { name: en.profile_data_download });
		const res = await context.request.get(new URL((await download.getAttribute('href'))!, app.url).toString());
		expect(res.status()).toBe(200);
		expect(((await res.json()) as { account: { email: string } }).account.email).toBe(person.email);

		// A wrong password: refused, explained, nothing deleted.
		await tabTo(page, '#delete-password', 120);
		await page.keyboard.type('not the right one');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Space');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Enter');
		await panel.getByText(en.error_wrong_password).first().waitFor();
		await expectNoAxeViolations(page, 'profile deletion refused');
		if (SHOTS) await panel.screenshot({ path: `${SHOTS}/data-rights-refused.png` });

		await page.locator('#delete-password').fill('');
		await tabTo(page, '#delete-password', 120);
		await page.keyboard.type(person.password);
		if (!(await page.locator('#delete-confirm').isChecked())) {
			await page.keyboard.press('Tab');
			await page.keyboard.press('Space');
		}
		await tabTo(page, 'form[action="?/deleteAccount"] button[type="submit"]', 10);
		expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(en.profile_delete_submit);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${app.url}/signin?deleted`);
		await page.getByRole('status').filter({ hasText: en.signin_account_deleted }).waitFor();
		await expectNoAxeViolations(page, 'signed out after deletion');
		if (SHOTS) await page.screenshot({ path: `${SHOTS}/data-rights-deleted.png` });

		// The account is gone: signing in again is refused.
		const again = await fetch(`${app.url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: person.email, password: person.password }) });
		expect(again.status).toBe(401);
		await context.close();
	});
});
