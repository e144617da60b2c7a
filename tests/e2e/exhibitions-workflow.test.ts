import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { projectRoot } from '../../server/config';
import { outbox } from '../../server/db/schema';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_EXHIBITION_SHOTS_DIR ?? '/tmp/exhibition-shots';
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));
const EDITOR = '#doc-editor-text';
/** Titles and names inside sentences are isolated (U+2068…U+2069), so they keep their own direction. */
const iso = (text: string) => `\u2068${text}\u2069`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A button's name: its visible label, then the work's title read only by screen readers (Chrome may put a space before the colon). */
const named = (label: string, title: string) => new RegExp(`^${escape(label)}\\s*:\\s*${escape(title)}$`);

/** A birth date that makes someone `n` today. */
const yearsAgo = (n: number) => {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - n);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString().slice(0, 10);
};

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const mira: Person = { email: uniqueEmail('mira'), password: 'moderators read everything twice', displayName: 'Mira Stone' };
const amal: Person = { email: uniqueEmail('amal'), password: 'my cat sleeps on the piano', displayName: 'Amal Haddad', role: 'mentee', birthDate: '2002-05-14', country: 'JO', timezone: 'Asia/Amman' };
const lucia: Person = { email: uniqueEmail('lucia'), password: 'tea at five under the old oak', displayName: 'Lucía Romero', role: 'mentee', birthDate: '2001-11-02', country: 'ES', timezone: 'Europe/Madrid' };
const guardianEmail = uniqueEmail('rosa');
const nour: Person & { guardianName: string; guardianEmail: string } = {
	email: uniqueEmail('nour'),
	password: 'kites over the harbour wall',
	displayName: 'Nour Ali',
	role: 'mentee',
	birthDate: yearsAgo(14),
	country: 'GB',
	guardianName: 'Rosa Ali',
	guardianEmail
};

describeBrowser('exhibitions workflow: propose, consent, review, curate, publish', () => {
	let app: E2eServer;
	let browser: Browser;
	const contexts: BrowserContext[] = [];
	let docUrl = '';
	let spaceId = '';
	let workId = '';
	let secondWorkId = '';
	let exhibitionUrl = '';
	let standingLink = '';

	const pageFor = (person: Person, lang: 'en' | 'ar' = 'en') => signedInPage(browser, contexts, app.url, person, lang === 'ar' ? { locale: 'ar-EG', timezoneId: 'Africa/Cairo' } : {});
	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
	}
	/** The text the editor shows, without other people's caret labels. */
	const editorText = (page: Page) =>
		page.locator(EDITOR).evaluate((el) => {
			const copy = el.cloneNode(true) as HTMLElement;
			copy.querySelectorAll('.doc-caret').forEach((c) => c.remove());
			return copy.textContent ?? '';
		});
	const waitForSaved = (page: Page) => page.locator('.doc-status', { hasText: en.docs_status_saved }).waitFor({ timeout: 10_000 });
	const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '', key: document.activeElement?.getAttribute('data-focus-key') ?? '' }));

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera({ translator: 'none' }), launchBrowser()]);
		await signUpViaApi(app.url, lead); // the first account becomes admin
		const ids: Record<string, string> = {};
		for (const [key, person] of [['mira', mira], ['amal', amal], ['lucia', lucia]] as const) ids[key] = (await signUpViaApi(app.url, person)).id;
		const adminToken = await signInToken(app.url, lead);
		expect((await apiCall(app.url, adminToken, `/api/v1/users/${ids.mira}`, { role: 'moderator' }, 'PATCH')).status).toBe(200);

		// A 14-year-old in the UK: their guardian confirms through the mailed link, and then gets the standing link.
		const minor = await fetch(`${app.url}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timezone: 'Europe/London', readingLanguage: 'en', ...nour }) });
		expect(minor.status).toBe(201);
		const [confirm] = await app.server.app.database.db.select().from(outbox).where(eq(outbox.toAddress, guardianEmail));
		const consentLink = /https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43}/.exec(confirm!.body)![0];
		const guardianContext = await newContext(browser);
		contexts.push(guardianContext);
		const guardianPage = await guardianContext.newPage();
		await guardianPage.goto(consentLink);
		await guardianPage.getByLabel(en.consent_purpose_exhibition).check();
		await guardianPage.getByRole('button', { name: en.consent_submit }).click();
		await guardianPage.getByRole('heading', { name: en.consent_done_heading }).waitFor();
		const [standing] = await app.server.app.database.db.select().from(outbox).where(and(eq(outbox.toAddress, guardianEmail), eq(outbox.kind, 'guardian_link')));
		standingLink = /https?:\/\/\S+\/guardian\/[A-Za-z0-9_-]{43}/.exec(standing!.body)![0];

		// Everyone who writes holds a live exhibition consent in the ledger (the minor's came from the guardian above).
		for (const person of [amal, lucia]) expect((await apiCall(app.url, await signInToken(app.url, person), '/api/v1/me/consents', { purpose: 'exhibition' })).status).toBe(200);

		// Amal's space, supervised by Mira because a minor joins it; Lucía and Nour are members.
		const amalToken = await signInToken(app.url, amal);
		const space = await apiCall(app.url, amalToken, '/api/v1/spaces', { title: 'Harbour stories', kind: 'collective', supervisorId: ids.mira });
		expect(space.status, JSON.stringify(space.body)).toBe(201);
		spaceId = space.body.id as string;
		for (const person of [lucia, nour]) {
			const invite = await apiCall(app.url, amalToken, `/api/v1/spaces/${spaceId}/invites`, { role: 'member' });
			const accepted = await apiCall(app.url, await signInToken(app.url, person), `/api/v1/invites/${invite.body.code as string}/accept`);
			expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
		}
		const doc = await apiCall(app.url, amalToken, `/api/v1/spaces/${spaceId}/documents`, { title: 'The harbour at night', kind: 'text' });
		expect(doc.status, JSON.stringify(doc.body)).toBe(201);
		docUrl = `${app.url}/spaces/${spaceId}/documents/${doc.body.id as string}`;
	});
	afterAll(async () => {
		for (const context of contexts) await context.close().catch(() => {});
		await browser?.close();
		await app?.close();
	});

	it('three members write the text together in the real editor', async () => {
		const [a, b, c] = await Promise.all([pageFor(amal), pageFor(lucia), pageFor(nour)]);
		for (const [page, line] of [
			[a, 'The boats come home with lanterns.'],
			[b, 'Lucía draws the lighthouse.'],
			[c, 'Nour writes the gulls.']
		] as const) {
			await page.goto(docUrl);
			await page.locator(EDITOR).waitFor();
			await page.locator(EDITOR).click();
			await page.keyboard.press('Control+End');
			await page.keyboard.press('Enter');
			await page.keyboard.type(line);
			await waitForSaved(page);
		}
		await expect.poll(() => editorText(a)).toContain('Nour writes the gulls.');
		expect(await editorText(a)).toContain('Lucía draws the lighthouse.');
		await Promise.all([a, b, c].map((p) => p.close()));
	});

	it('Amal proposes it with the keyboard alone; a missing description is said next to its field and nothing typed is lost', async () => {
		const page = await pageFor(amal);
		await page.goto(docUrl);
		const panel = page.getByRole('region', { name: en.works_doc_heading });
		await panel.waitFor();
		await page.waitForLoadState('networkidle');
		expect(await panel.getByText(en.works_doc_empty).isVisible()).toBe(true);
		// The language of the texts starts as Amal's own.
		expect(await page.locator('#work-lang').inputValue()).toBe('en');
		expect(await page.locator('#work-version').inputValue()).toBe('');

		await page.locator('body').focus();
		await tabTo(page, '#work-title', 80);
		await page.keyboard.press('Control+a');
		await page.keyboard.type('Harbour at night');
		await page.keyboard.press('Tab');
		expect((await focused(page)).id).toBe('work-statement');
		await page.keyboard.type('Three of us wrote one evening at the harbour, each a line.');
		await tabTo(page, '[data-propose-work]');
		await page.keyboard.press('Enter');
		const summary = page.getByRole('alert').filter({ hasText: en.error_invalid_input });
		await summary.waitFor();
		expect(await page.locator('#work-alt-error').isVisible()).toBe(true);
		expect(await page.locator('#work-alt').getAttribute('aria-invalid')).toBe('true');
		expect(await page.locator('#work-title').inputValue()).toBe('Harbour at night');
		expect(await page.locator('#work-statement').inputValue()).toBe('Three of us wrote one evening at the harbour, each a line.');
		await expectNoAxeViolations(page, 'document page, proposal refused (en)');
		await shoot(page, 'document-propose-errors-en');

		await tabTo(page, '#work-alt', 40);
		await page.keyboard.type('A short poem about boats, a lighthouse and gulls at night.');
		await tabTo(page, '[data-propose-work]');
		await page.keyboard.press('Enter');
		await panel.getByRole('status').getByText(fill(en.works_proposed_done, { title: iso('Harbour at night') })).waitFor();
		const item = panel.locator('[data-work-id]').first();
		workId = (await item.getAttribute('data-work-id'))!;
		expect(await item.getByText(en.works_status_pending).isVisible()).toBe(true);
		// Every contributor is listed as waiting; the minor's guardian too.
		const answers = item.getByRole('list', { name: fill(en.works_who_answered_about, { title: iso('Harbour at night') }) });
		for (const name of [amal.displayName, lucia.displayName, nour.displayName]) await answers.getByText(name).waitFor();
		expect(await answers.getByText(fill(en.works_guardian_decision, { decision: en.works_decision_pending })).count()).toBe(1);
		// The form starts afresh.
		expect(await page.locator('#work-statement').inputValue()).toBe('');
		await expectNoAxeViolations(page, 'document page with a proposed work (en)');
		await shoot(page, 'document-proposed-en');

		// Lucía proposes a second work from the same text (her own, by mouse), and takes back a third.
		const b = await pageFor(lucia);
		await b.goto(docUrl);
		await b.getByRole('region', { name: en.works_doc_heading }).waitFor();
		await b.waitForLoadState('networkidle');
		for (const title of ['The lighthouse', 'Draft to drop']) {
			await b.locator('#work-title').fill(title);
			await b.locator('#work-statement').fill('The lighthouse part, on its own.');
			await b.locator('#work-alt').fill('Four lines about the lighthouse.');
			await b.locator('[data-propose-work]').click();
			await b.getByText(fill(en.works_proposed_done, { title: iso(title) })).waitFor();
		}
		const drop = b.locator('[data-work-id]').filter({ hasText: 'Draft to drop' });
		secondWorkId = (await b.locator('[data-work-id]').filter({ hasText: 'The lighthouse' }).getAttribute('data-work-id'))!;
		// Only the proposer can take a proposal back.
		expect(await page.reload().then(() => page.locator('[data-work-id]').filter({ hasText: 'Draft to drop' }).getByRole('button').count())).toBe(0);
		await drop.getByRole('button', { name: named(en.works_retract, 'Draft to drop') }).click();
		await b.getByText(en.works_retracted_done).waitFor();
		await expect.poll(() => drop.getByText(en.works_status_retracted).count()).toBe(1);

		const arPage = await pageFor(amal, 'ar');
		await arPage.goto(docUrl);
		await arPage.getByRole('region', { name: ar.works_doc_heading }).waitFor();
		await arPage.getByRole('button', { name: ar.works_propose_submit }).click();
		await arPage.getByRole('alert').filter({ hasText: ar.error_invalid_input }).waitFor();
		await expectNoAxeViolations(arPage, 'document page exhibitions (ar)');
		await arPage.getByRole('region', { name: ar.works_doc_heading }).scrollIntoViewIfNeeded();
		await shoot(arPage, 'document-exhibitions-ar');
	});

	it('the start page says a work waits; both adults agree on /works by keyboard, named differently', async () => {
		const page = await pageFor(amal);
		await page.goto(app.url);
		const notice = page.locator('[data-works-notice]');
		await notice.getByRole('heading', { name: en.works_notice_heading }).waitFor();
		expect(await notice.getByText(fill(en.works_notice_text, { count: 2 })).isVisible()).toBe(true);
		await page.locator('body').focus();
		await tabTo(page, '[data-works-notice] a[href="/works"]', 40);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${app.url}/works`);
		await page.getByRole('heading', { level: 1, name: en.works_heading }).waitFor();
		await page.waitForLoadState('networkidle');
		// Also in the navigation, marked as where we are.
		expect(await page.getByRole('navigation', { name: en.nav_label }).getByRole('link', { name: en.works_nav }).getAttribute('aria-current')).toBe('page');
		await expectNoAxeViolations(page, '/works (en)');
		await shoot(page, 'works-en');

		// Amal: display name, with her country. Into the group on the checked choice, up to "name", on to the box, agree.
		const card = page.locator(`[data-request="${workId}"]`);
		expect(await card.getByRole('link', { name: named(en.works_preview_link, 'Harbour at night') }).getAttribute('href')).toBe(new URL(docUrl).pathname);
		await card.locator('input[name=credit]:checked').focus();
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Tab');
		await page.keyboard.press('Space');
		await page.keyboard.press('Tab');
		expect((await focused(page)).text).toBe(`${en.works_agree}: Harbour at night`);
		await page.keyboard.press('Enter');
		await page.getByRole('status').getByText(en.works_agreed_done).waitFor();
		await card.getByText(fill(en.works_my_answer, { decision: en.works_decision_granted })).waitFor();
		expect(await card.getByRole('radio', { name: en.works_credit_name }).isChecked()).toBe(true);
		expect(await card.getByRole('checkbox', { name: en.works_show_country }).isChecked()).toBe(true);
		// Agreed: now a Withdraw button, explained.
		const withdraw = card.getByRole('button', { name: named(en.works_withdraw, 'Harbour at night') });
		expect(await withdraw.getAttribute('aria-describedby')).toBeTruthy();
		expect(await card.getByText(en.works_withdraw_note).isVisible()).toBe(true);
		await shoot(page, 'works-agreed-en');

		// Lucía in Arabic: not named at all, no country; she agrees to her own work too.
		const b = await pageFor(lucia, 'ar');
		await b.goto(`${app.url}/works`);
		await b.getByRole('heading', { level: 1, name: ar.works_heading }).waitFor();
		await b.waitForLoadState('networkidle');
		expect(await b.evaluate(() => document.documentElement.dir)).toBe('rtl');
		await expectNoAxeViolations(b, '/works (ar)');
		await shoot(b, 'works-ar');
		for (const id of [workId, secondWorkId]) {
			const mine = b.locator(`[data-request="${id}"]`);
			await mine.locator('input[name=credit]:checked').focus();
			await b.keyboard.press('ArrowDown');
			await b.keyboard.press('Tab');
			await b.keyboard.press('Tab');
			expect((await focused(b)).text.startsWith(ar.works_agree)).toBe(true);
			await b.keyboard.press('Enter');
			await mine.getByText(fill(ar.works_my_answer, { decision: ar.works_decision_granted })).waitFor();
			expect(await mine.getByRole('radio', { name: ar.works_credit_anonymous }).isChecked()).toBe(true);
		}
		// Amal agrees to the second one as well (by mouse: the keyboard was shown above).
		await page.reload();
		const second = page.locator(`[data-request="${secondWorkId}"]`);
		await second.getByRole('button', { name: named(en.works_agree, 'The lighthouse') }).click();
		await second.getByText(fill(en.works_my_answer, { decision: en.works_decision_granted })).waitFor();
	});

	it('the minor agrees and is told the guardian is asked; the guardian decides through the standing link with a cap', async () => {
		const page = await pageFor(nour);
		await page.goto(`${app.url}/works`);
		await page.getByRole('heading', { level: 1, name: en.works_heading }).waitFor();
		const card = page.locator(`[data-request="${workId}"]`);
		await card.getByText(en.works_minor_note).waitFor();
		expect(await card.getByText(en.works_guardian_waiting).isVisible()).toBe(true);
		await card.getByRole('radio', { name: en.works_credit_name }).check();
		await card.getByRole('button', { name: named(en.works_agree, 'Harbour at night') }).click();
		await card.getByText(fill(en.works_my_answer, { decision: en.works_decision_granted })).waitFor();
		await page.locator(`[data-request="${secondWorkId}"]`).getByRole('button', { name: named(en.works_agree, 'The lighthouse') }).click();
		await page.getByRole('status').getByText(en.works_agreed_done).waitFor();
		await expectNoAxeViolations(page, '/works as a minor (en)');
		await shoot(page, 'works-minor-en');

		// The guardian's standing page lists both works; at most initials and no country for Harbour at night.
		// The first proposal mailed the guardian a fresh standing link (the one before stops working); the second did not
		// mail again the same day, so that link still works and lists both.
		const [latest] = await app.server.app.database.db.select().from(outbox).where(eq(outbox.toAddress, guardianEmail)).orderBy(desc(outbox.createdAt)).limit(1);
		expect(latest!.kind).toBe('exhibition_guardian_consent');
		expect(latest!.body).toContain(nour.displayName);
		standingLink = /https?:\/\/\S+\/guardian\/[A-Za-z0-9_-]{43}/.exec(latest!.body)![0];
		const guardian = await (await newContext(browser)).newPage();
		await guardian.goto(standingLink);
		const section = guardian.locator('[data-guardian-works]');
		// The child's name is isolated (U+2068…U+2069) inside the sentence, so it keeps its own direction.
		const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '');
		expect(plain(await section.getByRole('heading', { level: 2 }).textContent())).toBe(fill(en.works_guardian_heading, { childName: nour.displayName }));
		await guardian.waitForLoadState('networkidle');
		await expectNoAxeViolations(guardian, 'guardian standing page with works (en)');
		await shoot(guardian, 'guardian-works-en');
		const item = section.locator(`[data-guardian-work="${workId}"]`);
		expect(await item.getByText('A short poem about boats, a lighthouse and gulls at night.').isVisible()).toBe(true);
		// The guardian sees the work itself, not only its title: the text as it was proposed.
		expect(await item.locator('[data-work-preview]').textContent()).toContain('Nour writes the gulls.');
		// By keyboard: into the cap group, to "initials", past the country box, agree.
		// Nothing is allowed until the guardian says so: the cap starts at "not named".
		expect(await item.getByRole('radio', { name: en.works_cap_anonymous }).isChecked()).toBe(true);
		await item.locator('input[name=credit]:checked').focus();
		await guardian.keyboard.press('ArrowUp');
		expect(await item.getByRole('radio', { name: en.works_cap_initials }).isChecked()).toBe(true);
		await guardian.keyboard.press('Tab');
		await guardian.keyboard.press('Tab');
		await guardian.keyboard.press('Enter');
		await guardian.getByRole('status').getByText(en.works_guardian_agreed_done).waitFor();
		await item.getByText(fill(en.works_guardian_your_answer, { decision: en.works_decision_granted })).waitFor();
		const second = section.locator(`[data-guardian-work="${secondWorkId}"]`);
		await second.getByRole('button', { name: named(en.works_agree, 'The lighthouse') }).click();
		await second.getByText(fill(en.works_guardian_your_answer, { decision: en.works_decision_granted })).waitFor();

		const arGuardian = await (await newContext(browser, { locale: 'ar' })).newPage();
		await arGuardian.goto(standingLink);
		expect(plain(await arGuardian.locator('[data-guardian-works]').getByRole('heading', { level: 2 }).textContent())).toBe(fill(ar.works_guardian_heading, { childName: nour.displayName }));
		await expectNoAxeViolations(arGuardian, 'guardian standing page with works (ar)');
		await shoot(arGuardian, 'guardian-works-ar');
		await arGuardian.context().close();
		await guardian.context().close();

		// The minor now sees the guardian's cap.
		await page.reload();
		await card.getByText(fill(en.works_guardian_cap, { credit: en.works_cap_level_initials, country: en.works_country_not_allowed })).waitFor();
	});

	it('a moderator approves both works from /moderation/works, reached from the console', async () => {
		const page = await pageFor(mira);
		await page.goto(`${app.url}/moderation`);
		await page.getByRole('navigation', { name: en.mod_sections_label }).getByRole('link', { name: en.works_mod_heading }).click();
		await page.getByRole('heading', { level: 1, name: en.works_mod_heading }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByText(fill(en.works_mod_count, { count: 2 })).isVisible()).toBe(true);
		const item = page.locator(`[data-review-work="${workId}"]`);
		// The moderator reads what would be published: the proposed version itself.
		expect(await item.locator('[data-work-preview]').textContent()).toContain('The boats come home with lanterns.');
		expect(await item.getByText('A short poem about boats, a lighthouse and gulls at night.').isVisible()).toBe(true);
		// The guardian sees the work itself, not only its title: the text as it was proposed.
		expect(await item.locator('[data-work-preview]').textContent()).toContain('Nour writes the gulls.');
		expect(await item.getByText(en.works_consented_all).isVisible()).toBe(true);
		expect(await item.getByRole('link', { name: named(en.works_mod_open_document, 'Harbour at night') }).getAttribute('href')).toBe(new URL(docUrl).pathname);
		await expectNoAxeViolations(page, '/moderation/works (en)');
		await shoot(page, 'moderation-works-en');

		const arPage = await pageFor(mira, 'ar');
		await arPage.goto(`${app.url}/moderation/works`);
		await arPage.getByRole('heading', { level: 1, name: ar.works_mod_heading }).waitFor();
		expect(await arPage.evaluate(() => document.documentElement.dir)).toBe('rtl');
		await expectNoAxeViolations(arPage, '/moderation/works (ar)');
		await shoot(arPage, 'moderation-works-ar');

		await item.getByLabel(en.works_mod_note).fill('Lovely; thank you all.');
		await item.getByRole('button', { name: named(en.works_mod_approve, 'Harbour at night') }).click();
		await page.getByRole('status').getByText(fill(en.works_mod_approved_done, { title: iso('Harbour at night') })).waitFor();
		// Focus moves to the heading, not into nowhere.
		expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
		await page.locator(`[data-review-work="${secondWorkId}"]`).getByRole('button', { name: named(en.works_mod_approve, 'The lighthouse') }).click();
		await page.getByText(en.works_mod_empty).waitFor();

		// Mira supervises the space: she reads the document, but proposing is for its owner and members.
		await page.goto(docUrl);
		await page.getByRole('heading', { level: 1, name: 'The harbour at night' }).waitFor();
		expect(await page.getByRole('region', { name: en.works_doc_heading }).count()).toBe(0);

		await arPage.reload();
		await arPage.getByText(ar.works_mod_empty).waitFor();
		await expectNoAxeViolations(arPage, '/moderation/works, empty (ar)');

		// The proposer sees the approval and the note on the document page.
		const a = await pageFor(amal);
		await a.goto(docUrl);
		const work = a.locator(`[data-work-id="${workId}"]`);
		await work.getByText(en.works_status_approved).waitFor();
		expect(await work.getByText(en.works_public_yes).isVisible()).toBe(true);
		expect(await work.getByText('Lovely; thank you all.').isVisible()).toBe(true);
	});

	it('a lead creates an exhibition, adds both works, orders them by keyboard and publishes; the public page shows it', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/users`);
		await page.getByRole('navigation', { name: en.admin_nav_label }).getByRole('link', { name: en.exh_admin_nav }).click();
		await page.getByRole('heading', { level: 1, name: en.exh_admin_heading }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByText(en.exh_admin_list_empty).isVisible()).toBe(true);
		await expectNoAxeViolations(page, '/admin/exhibitions (en)');

		// An empty title is refused beside the field, the introduction kept.
		await page.getByLabel(en.exh_field_intro).fill('Writing from the harbour, spring term.');
		await page.getByRole('button', { name: en.exh_create_submit }).click();
		await page.locator('#exhibition-title-error').waitFor();
		expect(await page.getByLabel(en.exh_field_intro).inputValue()).toBe('Writing from the harbour, spring term.');
		await shoot(page, 'admin-exhibitions-errors-en');
		await page.getByLabel(en.exh_field_title).fill('Harbour voices');
		await page.getByRole('button', { name: en.exh_create_submit }).click();
		await page.waitForURL(/\/admin\/exhibitions\/[0-9a-f-]{36}\?created=1$/);
		exhibitionUrl = page.url().split('?')[0]!;
		await page.getByRole('status').getByText(en.exh_created_done).waitFor();
		await page.waitForLoadState('networkidle');

		const candidates = page.getByRole('list', { name: en.exh_candidates_heading });
		await candidates.getByRole('button', { name: named(en.exh_add, 'Harbour at night') }).click();
		await page.getByRole('status').getByText(fill(en.exh_added_done, { title: iso('Harbour at night') })).waitFor();
		await candidates.getByRole('button', { name: named(en.exh_add, 'The lighthouse') }).click();
		await page.getByRole('status').getByText(fill(en.exh_added_done, { title: iso('The lighthouse') })).waitFor();
		const inside = page.getByRole('list', { name: en.exh_admin_works_heading });
		const titles = () => inside.getByRole('heading', { level: 3 }).allTextContents();
		expect(await titles()).toEqual(['Harbour at night', 'The lighthouse']);

		// Keyboard: Move up on the second; focus stays with that work (now first: its Move down).
		await page.getByRole('button', { name: named(en.exh_move_up, 'The lighthouse') }).focus();
		await page.keyboard.press('Enter');
		await page.getByRole('status').getByText(fill(en.exh_moved_done, { title: iso('The lighthouse'), position: 1, count: 2 })).waitFor();
		expect(await titles()).toEqual(['The lighthouse', 'Harbour at night']);
		expect((await focused(page)).key).toBe(`${secondWorkId}:down`);
		await page.keyboard.press('Enter');
		await page.getByRole('status').getByText(fill(en.exh_moved_done, { title: iso('The lighthouse'), position: 2, count: 2 })).waitFor();
		expect(await titles()).toEqual(['Harbour at night', 'The lighthouse']);
		expect((await focused(page)).key).toBe(`${secondWorkId}:up`);
		await expectNoAxeViolations(page, '/admin/exhibitions/[id] (en)');
		await shoot(page, 'admin-exhibition-draft-en');

		await page.getByRole('button', { name: en.exh_publish }).click();
		await page.getByRole('status').getByText(en.exh_published_done).waitFor();
		const publicUrl = await page.getByLabel(en.exh_public_link).inputValue();
		expect(publicUrl).toMatch(/\/exhibitions\/[\w-]+$/);
		const slug = publicUrl.split('/').pop()!;
		await shoot(page, 'admin-exhibition-published-en');

		// The public page (another part of the feature) shows the title; the service says the same regardless.
		const shown = await app.server.app.exhibitions.publicExhibition({ slug, locale: 'en' });
		expect(shown?.title.text).toBe('Harbour voices');
		expect(shown?.works.map((w) => w.title.text)).toEqual(['Harbour at night', 'The lighthouse']);
		// Once the public pages are in this build, a visitor without an account sees the title there too.
		if (existsSync(join(projectRoot, 'src/routes/exhibitions'))) {
			const visitor = await (await newContext(browser)).newPage();
			expect((await visitor.goto(publicUrl))?.status()).toBe(200);
			await visitor.getByText('Harbour voices').first().waitFor();
			await visitor.context().close();
		}

		await page.goto(`${app.url}/admin/exhibitions`);
		await page.locator('[data-exhibition-id]').getByText(en.exh_status_published, { exact: true }).waitFor();
		await shoot(page, 'admin-exhibitions-en');
	});

	it('when a contributor withdraws, the work leaves the public page at once and the lead is told on which day', async () => {
		const b = await pageFor(lucia);
		await b.goto(`${app.url}/works`);
		const card = b.locator(`[data-request="${secondWorkId}"]`);
		await card.getByRole('button', { name: named(en.works_withdraw, 'The lighthouse') }).click();
		await b.getByRole('status').getByText(en.works_withdrawn_done).waitFor();
		await card.getByText(fill(en.works_my_answer, { decision: en.works_decision_withdrawn })).waitFor();

		const page = await pageFor(lead);
		await page.goto(exhibitionUrl);
		const notice = page.locator(`[data-exhibition-work="${secondWorkId}"] [data-withdrawn-notice]`);
		await notice.waitFor();
		const today = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'Europe/London' }).format(new Date());
		expect(await notice.textContent()).toContain(fill(en.exh_withdrawn_notice, { date: today }));
		await expectNoAxeViolations(page, '/admin/exhibitions/[id] with a withdrawn work (en)');
		await shoot(page, 'admin-exhibition-withdrawn-en');

		const publicUrl = await page.getByLabel(en.exh_public_link).inputValue();
		const shown = await app.server.app.exhibitions.publicExhibition({ slug: publicUrl.split('/').pop()!, locale: 'en' });
		expect(shown?.works.map((w) => w.title.text)).toEqual(['Harbour at night']);

		const arPage = await pageFor(lead, 'ar');
		await arPage.goto(exhibitionUrl);
		await arPage.locator('[data-withdrawn-notice]').waitFor();
		expect(await arPage.evaluate(() => document.documentElement.dir)).toBe('rtl');
		await expectNoAxeViolations(arPage, '/admin/exhibitions/[id] (ar)');
		await shoot(arPage, 'admin-exhibition-ar');
		await arPage.goto(`${app.url}/admin/exhibitions`);
		await arPage.getByRole('heading', { level: 1, name: ar.exh_admin_heading }).waitFor();
		await expectNoAxeViolations(arPage, '/admin/exhibitions (ar)');
		await shoot(arPage, 'admin-exhibitions-ar');
	});

	it('without JavaScript, proposing, agreeing on /works and reviewing still work through the forms', async () => {
		const noScript = async (person: Person) => {
			const context = await newContext(browser, { javaScriptEnabled: false });
			contexts.push(context);
			const res = await context.request.post(`${app.url}/api/v1/sessions`, { data: { email: person.email, password: person.password } });
			expect(res.status()).toBe(201);
			return context.newPage();
		};
		const page = await noScript(lucia);

		// Proposing: refused with the reason beside the field and everything typed kept, then accepted.
		await page.goto(docUrl);
		await page.locator('#work-title').fill('Gulls');
		await page.locator('#work-statement').fill('Only the gulls.');
		await page.locator('[data-propose-work]').click();
		await page.locator('#work-alt-error').waitFor();
		expect(await page.locator('#work-title').inputValue()).toBe('Gulls');
		expect(await page.locator('#work-statement').inputValue()).toBe('Only the gulls.');
		await page.locator('#work-alt').fill('One line about gulls.');
		await page.locator('[data-propose-work]').click();
		await page.getByText(fill(en.works_proposed_done, { title: iso('Gulls') })).waitFor();

		// Reviewing: the moderator turns it down with a note.
		const moderator = await noScript(mira);
		await moderator.goto(`${app.url}/moderation/works`);
		const item = moderator.locator('[data-review-work]').filter({ has: moderator.getByRole('heading', { name: 'Gulls', exact: true }) });
		await item.getByLabel(en.works_mod_note).fill('Please add the other lines first.');
		await item.getByRole('button', { name: named(en.works_mod_reject, 'Gulls') }).click();
		await moderator.getByText(fill(en.works_mod_rejected_done, { title: iso('Gulls') })).waitFor();
		await page.goto(docUrl);
		const rejected = page.locator('[data-work-id]').filter({ has: page.getByRole('heading', { name: 'Gulls', exact: true }) });
		await rejected.getByText(en.works_status_rejected).waitFor();
		expect(await rejected.getByText('Please add the other lines first.').isVisible()).toBe(true);

		// Agreeing on /works.
		await page.goto(`${app.url}/works`);
		const card = page.locator(`[data-request="${secondWorkId}"]`);
		await card.getByRole('radio', { name: en.works_credit_initials }).check();
		await card.getByRole('button', { name: named(en.works_agree, 'The lighthouse') }).click();
		await page.getByText(en.works_agreed_done).waitFor();
		await page.locator(`[data-request="${secondWorkId}"]`).getByText(fill(en.works_my_answer, { decision: en.works_decision_granted })).waitFor();
	});
});
