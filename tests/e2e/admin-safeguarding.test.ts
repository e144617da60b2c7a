import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { outbox } from '../../server/db/schema';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_ADMIN_SHOTS_DIR ?? '/tmp/admin-shots';

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** A birth date that makes someone `years` old today (a day past the birthday). */
function yearsAgo(years: number): string {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - years);
	d.setUTCDate(d.getUTCDate() - 30);
	return d.toISOString().slice(0, 10);
}

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
/** A second admin who reads the admin pages in Arabic. */
const salma = { email: uniqueEmail('salma'), password: 'olive trees by the river', displayName: 'Salma', uiLanguage: 'ar', country: 'EG', timezone: 'Africa/Cairo' } as Person;
const mira: Person = { email: uniqueEmail('mira'), password: 'lanterns over the harbour', displayName: 'Mira' };
const ana: Person = { email: uniqueEmail('ana'), password: 'blue pencils and red paper', displayName: 'Ana', role: 'mentor' };
/** 17: a minor, old enough to take part without a guardian (default consent age 16). */
const sami: Person = { email: uniqueEmail('sami'), password: 'my bike has three gears', displayName: 'Sami', role: 'mentee', birthDate: yearsAgo(17) };
/** Takes part, then withdraws participation. */
const omar: Person = { email: uniqueEmail('omar'), password: 'a paper boat on the canal', displayName: 'Omar', role: 'mentee', birthDate: yearsAgo(19) };
/** Suspended by the admin. */
const tess: Person = { email: uniqueEmail('tess'), password: 'the kettle whistles twice', displayName: 'Tess', role: 'mentor' };
/** Deletes their account. */
const dara: Person = { email: uniqueEmail('dara'), password: 'seven red kites over the hill', displayName: 'Dara', role: 'mentor' };

describeBrowser('admin pages and safeguarding gaps in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	const ids: Record<string, string> = {};
	const contexts: BrowserContext[] = [];
	let leadPage: Page;
	let samiPage: Page;
	let miraPage: Page;
	let samiSpace = '';
	const guardianEmail = uniqueEmail('rosa');

	const token = (person: Person) => signInToken(app.url, person);
	const call = (bearer: string, path: string, body?: unknown, method = 'POST') => apiCall(app.url, bearer, path, body, method);
	const pageFor = (person: Person, options: BrowserContextOptions = {}) => signedInPage(browser, contexts, app.url, person, options);

	async function shoot(page: Page, name: string) {
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}

	/** The member list's report link for `name`: it says whom it reports. */
	const reportName = (name: string) => ({ name: fill(en.report_member_label, { name }), exact: true }) as const;

	const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera(), launchBrowser()]);
		// The first account becomes admin.
		ids.lead = (await signUpViaApi(app.url, lead)).id;
		const adminToken = await token(lead);
		for (const [key, person] of Object.entries({ salma, mira, ana, sami, omar, tess, dara })) ids[key] = (await signUpViaApi(app.url, person)).id;
		expect((await call(adminToken, `/api/v1/users/${ids.mira}`, { role: 'moderator' }, 'PATCH')).status).toBe(200);
		expect((await call(adminToken, `/api/v1/users/${ids.salma}`, { role: 'admin' }, 'PATCH')).status).toBe(200);
		expect((await call(adminToken, `/api/v1/users/${ids.tess}`, { suspended: true }, 'PATCH')).status).toBe(200);
		expect((await call(await token(omar), '/api/v1/me/consents/participation', undefined, 'DELETE')).status).toBe(200);
		expect((await call(await token(dara), '/api/v1/me/deletion', { password: dara.password })).status).toBe(200);

		// A 13-year-old signs up: the account waits for a guardian, whose mail waits in the outbox (no SMTP here).
		const lina = await fetch(`${app.url}/api/v1/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: uniqueEmail('lina'),
				password: 'my cat sleeps on the piano',
				displayName: 'Lina',
				role: 'mentee',
				birthDate: yearsAgo(13),
				country: 'GB',
				timezone: 'Europe/London',
				readingLanguage: 'en',
				guardianName: 'Rosa',
				guardianEmail
			})
		});
		expect(lina.status).toBe(201);

		[leadPage, samiPage, miraPage] = await Promise.all([pageFor(lead), pageFor(sami), pageFor(mira)]);
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('a minor must pick a supervising moderator: leaving it out is refused in words, picking one by keyboard creates the space', async () => {
		await samiPage.goto(`${app.url}/spaces`);
		const picker = samiPage.getByLabel(en.space_field_supervisor, { exact: true });
		expect(await picker.getAttribute('required')).not.toBeNull();
		// Moderators and admins, by name and role; never the person creating the space.
		const options = await picker.locator('option').allTextContents();
		expect(options).toContain(fill(en.space_supervisor_option, { name: 'Mira', role: en.role_moderator }));
		expect(options).toContain(fill(en.space_supervisor_option, { name: 'Salma', role: en.role_admin }));
		expect(options.some((o) => o.startsWith('Sami'))).toBe(false);
		expect(await samiPage.getByText(fill(en.space_supervisor_hint_required, { age: 18 })).isVisible()).toBe(true);

		await samiPage.getByLabel(en.space_field_title).fill('Comics club');
		await samiPage.getByRole('button', { name: en.spaces_create_submit }).click();
		const summary = samiPage.getByRole('alert');
		await summary.getByText(en.error_invalid_input).waitFor();
		const missing = fill(en.space_supervisor_missing, { age: 18 });
		expect(await summary.getByRole('link', { name: `${en.space_field_supervisor}: ${missing}` }).count()).toBe(1);
		expect(await picker.getAttribute('aria-invalid')).toBe('true');
		expect(await samiPage.locator('#space-supervisor-error').textContent()).toBe(missing);
		// What was typed stays.
		expect(await samiPage.getByLabel(en.space_field_title).inputValue()).toBe('Comics club');
		await expectNoAxeViolations(samiPage, 'create space, supervisor missing');
		await shoot(samiPage, 'spaces-supervisor-missing-en');

		// By keyboard alone: the summary's link leads to the picker; arrows choose; Enter on the button sends.
		await summary.getByRole('link', { name: new RegExp(en.space_field_supervisor) }).focus();
		await samiPage.keyboard.press('Enter');
		await expect.poll(() => focused(samiPage).then((f) => f.id)).toBe('space-supervisor');
		const miraOption = fill(en.space_supervisor_option, { name: 'Mira', role: en.role_moderator });
		for (let i = 0; i < options.length && (await picker.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)) !== miraOption; i++) {
			await samiPage.keyboard.press('ArrowDown');
		}
		expect(await picker.inputValue()).toBe(ids.mira);
		await tabTo(samiPage, 'button[type="submit"]:not([form])', 10);
		expect((await focused(samiPage)).text).toBe(en.spaces_create_submit);
		await samiPage.keyboard.press('Enter');
		await samiPage.waitForURL(/\/spaces\/[0-9a-f-]{36}$/);
		samiSpace = samiPage.url().split('/').pop()!;
		const members = samiPage.getByRole('list', { name: en.space_members_list });
		await members.getByText('Mira', { exact: true }).first().waitFor();
		expect(await members.getByText(`${en.space_role_supervisor} ·`, { exact: false }).count()).toBe(1);
	});

	it('an adult may leave the supervisor out; the picker says when one is needed', async () => {
		const anaPage = await pageFor(ana);
		await anaPage.goto(`${app.url}/spaces`);
		const picker = anaPage.getByLabel(`${en.space_field_supervisor} ${en.field_optional}`);
		expect(await picker.getAttribute('required')).toBeNull();
		expect(await picker.locator('option').first().textContent()).toBe(en.space_supervisor_none);
		expect(await anaPage.getByText(fill(en.space_supervisor_hint_optional, { age: 18 })).isVisible()).toBe(true);
		await expectNoAxeViolations(anaPage, 'create space, adult');
		await anaPage.getByLabel(en.space_field_title).fill('Poster workshop');
		await anaPage.getByRole('button', { name: en.spaces_create_submit }).click();
		await anaPage.waitForURL(/\/spaces\/[0-9a-f-]{36}$/);
	});

	it('a mentee reports a member from the member list by keyboard; the moderator console shows the report', async () => {
		// Ana joins Sami's supervised space.
		const samiToken = await token(sami);
		const invite = await call(samiToken, `/api/v1/spaces/${samiSpace}/invites`, { maxUses: 1 });
		expect(invite.status).toBe(201);
		expect((await call(await token(ana), `/api/v1/invites/${invite.body.code as string}/accept`)).status).toBe(200);

		await samiPage.goto(`${app.url}/spaces/${samiSpace}`);
		await samiPage.getByRole('status').filter({ hasText: en.chat_status_connected }).waitFor();
		const members = samiPage.getByRole('list', { name: en.space_members_list });
		await members.getByText('Ana', { exact: true }).first().waitFor();
		// Everyone but yourself can be reported.
		expect(await members.getByRole('link', reportName('Ana')).count()).toBe(1);
		expect(await members.getByRole('link', reportName('Mira')).count()).toBe(1);
		expect(await members.getByRole('link', reportName('Sami')).count()).toBe(0);
		await expectNoAxeViolations(samiPage, 'space with report links in the member list');
		await shoot(samiPage, 'member-list-report-en');

		await samiPage.locator('body').focus();
		await tabTo(samiPage, `[data-report-member="${ids.ana}"]`, 80);
		await samiPage.keyboard.press('Enter');
		const dialog = samiPage.getByRole('dialog', { name: en.report_title_user });
		await dialog.waitFor();
		await expect.poll(() => samiPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('harassment');
		await samiPage.keyboard.press('ArrowDown');
		expect(await samiPage.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe('inappropriate');
		await samiPage.keyboard.press('Tab');
		await samiPage.keyboard.type('She keeps posting pictures that upset me.');
		await samiPage.keyboard.press('Tab');
		await samiPage.keyboard.press('Tab');
		expect((await focused(samiPage)).text).toBe(en.report_send);
		await samiPage.keyboard.press('Enter');
		await dialog.getByText(en.report_thanks).waitFor();
		await samiPage.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		// Back on the link the report started from.
		expect(await samiPage.evaluate(() => document.activeElement?.getAttribute('data-report-member'))).toBe(ids.ana);

		await miraPage.goto(`${app.url}/moderation`);
		const item = miraPage.locator('.console-item').filter({ hasText: 'She keeps posting pictures that upset me.' });
		await item.waitFor();
		expect(await item.getByRole('heading', { name: fill(en.mod_item_report, { reason: en.report_reason_inappropriate }) }).count()).toBe(1);
		expect(await item.getByRole('definition').filter({ hasText: /^Ana$/ }).count()).toBe(1);
		// A minor reporting an adult is urgent.
		expect(await item.getByText(en.mod_urgent).isVisible()).toBe(true);
	});

	it('without JavaScript the report link opens a page with the same form, which files the report', async () => {
		const context = await newContext(browser, { javaScriptEnabled: false });
		contexts.push(context);
		expect((await context.request.post(`${app.url}/api/v1/sessions`, { data: { email: sami.email, password: sami.password } })).status()).toBe(201);
		const page = await context.newPage();
		await page.goto(`${app.url}/spaces/${samiSpace}`);
		await page.getByRole('link', reportName('Mira')).click();
		await page.waitForURL(`${app.url}/spaces/${samiSpace}/report?user=${ids.mira}`);
		await page.getByRole('heading', { level: 1, name: en.report_title_user }).waitFor();
		expect(await page.getByText(fill(en.report_about, { name: 'Mira' })).isVisible()).toBe(true);
		await page.getByRole('button', { name: en.report_send }).click();
		await page.getByRole('alert').getByText(en.error_invalid_input).waitFor();
		expect(await page.locator('#report-reason-error').textContent()).toBe(en.report_reason_missing);
		await shoot(page, 'report-page-missing-en');
		await page.getByLabel(en.report_reason_other).check();
		await page.getByRole('button', { name: en.report_send }).click();
		await page.getByText(en.report_thanks).waitFor();
		await shoot(page, 'report-page-sent-en');
		// axe needs script: the same page, checked with JavaScript on (it works the same, enhanced).
		await samiPage.goto(`${app.url}/spaces/${samiSpace}/report?user=${ids.mira}`);
		await expectNoAxeViolations(samiPage, 'report page');
		await samiPage.getByRole('button', { name: en.report_send }).click();
		await samiPage.getByRole('alert').getByText(en.error_invalid_input).waitFor();
		await expectNoAxeViolations(samiPage, 'report page, reason missing');
		// Reporting yourself, or someone not in the space, is not on offer.
		expect((await page.goto(`${app.url}/spaces/${samiSpace}/report?user=${ids.sami}`))?.status()).toBe(404);
		expect((await page.goto(`${app.url}/spaces/${samiSpace}/report?user=${ids.omar}`))?.status()).toBe(404);

		// Another member of staff sees the report; Mira, reported, never sees reports about herself.
		const isThisReport = (r: { targetType: string; targetId: string; reason: string }) => r.targetType === 'user' && r.targetId === ids.mira && r.reason === 'other';
		const queue = await call(await token(lead), '/api/v1/moderation/reports', undefined, 'GET');
		expect((queue.body.reports as Parameters<typeof isThisReport>[0][]).some(isThisReport)).toBe(true);
		const own = await call(await token(mira), '/api/v1/moderation/reports', undefined, 'GET');
		expect((own.body.reports as Parameters<typeof isThisReport>[0][]).some(isThisReport)).toBe(false);
	});

	it('only admins reach the policy and outbox pages: others get "not found", signed-out people the sign-in page', async () => {
		for (const path of ['/admin/policy', '/admin/outbox']) {
			const res = await samiPage.goto(`${app.url}${path}`);
			expect(res?.status(), path).toBe(404);
			expect(await samiPage.getByRole('heading', { name: en.admin_policy_heading }).count()).toBe(0);
			const asModerator = await miraPage.goto(`${app.url}${path}`);
			expect(asModerator?.status(), path).toBe(404);
			const anonymous = await fetch(`${app.url}${path}`, { redirect: 'manual' });
			expect(anonymous.status).toBe(303);
			expect(anonymous.headers.get('location')).toBe(`/signin?next=${encodeURIComponent(path)}`);
		}
		// Their form actions too (a layout's check does not cover them).
		const post = await samiPage.request.post(`${app.url}/admin/policy?/save`, { form: { minorAge: '12' }, headers: { origin: app.url } });
		expect(post.status()).toBe(404);
		const mark = await samiPage.request.post(`${app.url}/api/v1/admin/outbox/00000000-0000-4000-8000-000000000000/passed-on`, { headers: { origin: app.url } });
		expect(mark.status()).toBe(403);
		expect((await call(await token(lead), '/api/v1/admin/policy', undefined, 'GET')).body.policy).toMatchObject({ minorAge: 18 });
	});

	it('the admin edits the policy from the admin navigation: wrong values are refused field by field, a valid change is saved and audited', async () => {
		await leadPage.goto(`${app.url}/admin/users`);
		const adminNav = leadPage.getByRole('navigation', { name: en.admin_nav_label });
		await adminNav.getByRole('link', { name: en.admin_nav_policy }).click();
		await leadPage.getByRole('heading', { level: 1, name: en.admin_policy_heading }).waitFor();
		expect(await adminNav.getByRole('link', { name: en.admin_nav_policy }).getAttribute('aria-current')).toBe('page');
		expect(await leadPage.getByText(en.admin_policy_defaults).isVisible()).toBe(true);
		expect(await leadPage.getByLabel(en.admin_policy_supervised).isChecked()).toBe(true);
		await expectNoAxeViolations(leadPage, 'policy page');
		await shoot(leadPage, 'admin-policy-en');

		// Too high a minor age, a consent age above it, a country twice... each said next to its field.
		await leadPage.getByLabel(en.admin_policy_minor_age, { exact: true }).fill('30');
		await leadPage.getByLabel(en.admin_policy_retention).fill('10');
		await leadPage.getByLabel(en.admin_policy_country, { exact: true }).selectOption('ES');
		await leadPage.getByLabel(en.admin_policy_country_age, { exact: true }).fill('14');
		await leadPage.getByRole('button', { name: en.admin_policy_save }).click();
		const summary = leadPage.getByRole('alert');
		await summary.getByText(en.error_invalid_input).waitFor();
		expect(await leadPage.locator('#policy-minor-age-error').textContent()).toBe(en.error_age_out_of_range);
		expect(await leadPage.locator('#policy-retention-error').textContent()).toBe(en.error_retention_out_of_range);
		expect(await summary.getByRole('link').count()).toBe(2);
		// What was typed stays, the new country row too.
		expect(await leadPage.getByLabel(en.admin_policy_country, { exact: true }).inputValue()).toBe('ES');
		await expectNoAxeViolations(leadPage, 'policy page with errors');
		await shoot(leadPage, 'admin-policy-errors-en');

		await leadPage.getByLabel(en.admin_policy_minor_age, { exact: true }).fill('18');
		await leadPage.getByLabel(en.admin_policy_consent_age, { exact: true }).fill('19');
		await leadPage.getByLabel(en.admin_policy_retention).fill('2190');
		await leadPage.getByRole('button', { name: en.admin_policy_save }).click();
		await leadPage.locator('#policy-consent-age-error').getByText(en.error_consent_age_above_minor_age).waitFor();

		// By keyboard: fix the consent age and save; the new country becomes a row of its own.
		await leadPage.getByLabel(en.admin_policy_consent_age, { exact: true }).focus();
		await leadPage.keyboard.press('ControlOrMeta+a');
		await leadPage.keyboard.type('16');
		await leadPage.getByLabel(en.admin_policy_contact).focus();
		await leadPage.keyboard.press('Space');
		await tabTo(leadPage, 'form[action="?/save"] button[type="submit"]', 10);
		await leadPage.keyboard.press('Enter');
		await leadPage.getByRole('status').getByText(en.admin_policy_saved).waitFor();
		expect(await leadPage.getByLabel(`${en.admin_policy_country_age}: Spain`).inputValue()).toBe('14');
		await expectNoAxeViolations(leadPage, 'policy page, saved with a country');
		await shoot(leadPage, 'admin-policy-saved-en');
		expect(await leadPage.getByLabel(en.admin_policy_contact).isChecked()).toBe(false);
		// Who changed it last, and when.
		expect(await leadPage.locator('p').filter({ hasText: ` by ${lead.displayName}.` }).count()).toBe(1);

		const policy = (await call(await token(lead), '/api/v1/admin/policy', undefined, 'GET')).body.policy as Record<string, unknown>;
		expect(policy).toMatchObject({ minorAge: 18, consentAge: 16, consentAgeByCountry: { ES: 14 }, contactFilterForMinors: false, supervisedSpacesForMinors: true, retentionDays: 2190 });
		const audit = await call(await token(lead), '/api/v1/moderation/audit?action=policy.update', undefined, 'GET');
		const entries = audit.body.entries as { actorId: string; detail: Record<string, unknown> }[];
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({ actorId: ids.lead, detail: { consentAgeByCountry: { ES: 14 }, contactFilterForMinors: false } });

		// Saving again without a change writes nothing; removing the country and switching the filter back does.
		await leadPage.getByRole('button', { name: en.admin_policy_save }).click();
		await leadPage.getByRole('status').getByText(en.admin_policy_unchanged).waitFor().catch(async (e: Error) => {
			throw new Error(`${e.message}\nstatus: ${await leadPage.getByRole('status').allTextContents()}\nalert: ${await leadPage.getByRole('alert').allTextContents()}`);
		});
		await leadPage.getByLabel(`${en.admin_policy_country_remove}: Spain`).check();
		await leadPage.getByLabel(en.admin_policy_contact).check();
		await leadPage.getByRole('button', { name: en.admin_policy_save }).click();
		await leadPage.getByRole('status').getByText(en.admin_policy_saved).waitFor();
		expect(await leadPage.getByText(en.admin_policy_countries_empty).isVisible()).toBe(true);
		const after = await call(await token(lead), '/api/v1/moderation/audit?action=policy.update', undefined, 'GET');
		expect(after.body.entries as unknown[]).toHaveLength(2);
	});

	it('the policy page reads right to left in Arabic, with zero axe violations', async () => {
		const page = await pageFor(salma, { locale: 'ar-EG', timezoneId: 'Africa/Cairo' });
		await page.goto(`${app.url}/admin/policy`);
		expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
		await page.getByRole('heading', { level: 1, name: ar.admin_policy_heading }).waitFor();
		await expectNoAxeViolations(page, 'policy page (ar)');
		await shoot(page, 'admin-policy-ar');
		await page.setViewportSize({ width: 320, height: 720 });
		await expectNoAxeViolations(page, 'policy page (ar, 320 px)');
		await shoot(page, 'admin-policy-ar-320');
	});

	it('the outbox lists the guardian mail with its link to pass on; marking it passed on removes it, blanks the link and is audited', async () => {
		await leadPage.getByRole('navigation', { name: en.admin_nav_label }).getByRole('link', { name: en.admin_nav_outbox }).click();
		await leadPage.getByRole('heading', { level: 1, name: en.admin_outbox_heading }).waitFor();
		expect(await leadPage.getByText(en.admin_outbox_lead_manual).isVisible()).toBe(true);
		const mail = leadPage.getByRole('listitem').filter({ hasText: guardianEmail });
		await mail.waitFor();
		const [stored] = await app.server.app.database.db.select().from(outbox).where(eq(outbox.toAddress, guardianEmail));
		const link = /https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43}/.exec(stored!.body)![0];
		expect(await mail.getByLabel(en.admin_outbox_link).inputValue()).toBe(link);
		expect(await mail.getByText(en.admin_outbox_kind_guardian_consent).isVisible()).toBe(true);
		await expectNoAxeViolations(leadPage, 'outbox');
		await shoot(leadPage, 'admin-outbox-en');

		const salmaPage = await pageFor(salma, { locale: 'ar-EG', timezoneId: 'Africa/Cairo' });
		await salmaPage.goto(`${app.url}/admin/outbox`);
		await salmaPage.getByRole('heading', { level: 1, name: ar.admin_outbox_heading }).waitFor();
		await expectNoAxeViolations(salmaPage, 'outbox (ar)');
		await shoot(salmaPage, 'admin-outbox-ar');

		// By keyboard: to the button, Enter; the mail leaves, focus lands on the list's heading.
		await leadPage.locator('body').focus();
		await tabTo(leadPage, `li[data-mail-id="${stored!.id}"] button[type="submit"]`, 60);
		expect((await focused(leadPage)).text).toBe(en.admin_outbox_mark);
		await leadPage.keyboard.press('Enter');
		await leadPage.getByRole('status').getByText(en.admin_outbox_marked).waitFor();
		await mail.waitFor({ state: 'detached' });
		await expect.poll(() => focused(leadPage).then((f) => f.id)).toBe('outbox-waiting');
		expect(await leadPage.getByText(en.admin_outbox_empty).isVisible()).toBe(true);

		const [after] = await app.server.app.database.db.select().from(outbox).where(eq(outbox.id, stored!.id));
		expect(after!.sentAt).not.toBeNull();
		expect(after!.body).not.toContain(link.split('/consent/')[1]);
		const audit = await call(await token(lead), '/api/v1/moderation/audit?action=outbox.passed_on', undefined, 'GET');
		expect(audit.body.entries).toEqual([expect.objectContaining({ actorId: ids.lead, targetType: 'outbox', targetId: stored!.id })]);
		// The link itself still works for the guardian it was passed on to.
		const guardian = await (await newContext(browser)).newPage();
		await guardian.goto(link);
		await guardian.getByRole('button', { name: en.consent_submit }).waitFor();
		await guardian.context().close();
	});

	it('the users list says in words who waits for a guardian, who is suspended and who withdrew', async () => {
		await leadPage.goto(`${app.url}/admin/users`);
		const rows = leadPage.getByRole('row');
		const statusOf = async (name: string) => (await rows.filter({ has: leadPage.getByRole('rowheader', { name: new RegExp(`^${name}\\b`) }) }).getByRole('cell').nth(2).textContent())?.trim();
		expect(await statusOf('Lina')).toBe(en.admin_status_pending_consent);
		expect(await statusOf('Tess')).toBe(en.admin_status_suspended);
		expect(await statusOf('Omar')).toBe(en.admin_status_withdrawn);
		expect(await statusOf('Ana')).toBe(en.admin_status_active);
		// Suspending and reactivating an account that waits for a guardian leaves it waiting: no consent by the back door.
		const lina = rows.filter({ hasText: 'Lina' });
		await lina.getByRole('button', { name: new RegExp(`^${en.admin_suspend}`) }).click();
		await lina.getByText(en.admin_status_suspended, { exact: true }).waitFor();
		await lina.getByRole('button', { name: new RegExp(`^${en.admin_reactivate}`) }).click();
		await lina.getByText(en.admin_status_pending_consent, { exact: true }).waitFor();
		// The chip carries the words; its icon is hidden from screen readers.
		expect(await rows.filter({ hasText: 'Lina' }).locator('.chip svg').getAttribute('aria-hidden')).toBe('true');
		// A deleted account has no profile left and is not listed; what is left of it cannot be revived either.
		expect(await rows.filter({ hasText: 'Dara' }).count()).toBe(0);
		const revive = await call(await token(lead), `/api/v1/users/${ids.dara}`, { suspended: false }, 'PATCH');
		expect(revive.status).toBe(409);
		expect((revive.body.error as { code: string }).code).toBe('account_deleted');
		await expectNoAxeViolations(leadPage, 'users with every status');
		await shoot(leadPage, 'admin-users-statuses-en');
	});
});
