import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { loadConfig } from '../../server/config';
import { seedDemo } from '../../server/demo';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_EVALUATION_SHOTS_DIR ?? '/tmp/ui-shots';

/** The demo program's lead (npm run seed:demo): email and password are known once the seed has run. */
const lead: Person = { email: '', password: '', displayName: 'Program Lead' };
/** A second program lead, who reads the pages in Arabic. */
const salma = { email: uniqueEmail('salma'), password: 'olive trees by the river', displayName: 'Salma', uiLanguage: 'ar', country: 'EG', timezone: 'Africa/Cairo' } as Person;
const mira: Person = { email: uniqueEmail('mira'), password: 'lanterns over the harbour', displayName: 'Mira' };
const sami: Person = { email: uniqueEmail('sami'), password: 'my bike has three gears', displayName: 'Sami', role: 'mentee', birthDate: '2006-03-01' };

const PAGES = ['/admin/evaluation', '/admin/evaluation/report', '/admin/evaluation/export.csv'];

describeBrowser('program evaluation dashboards in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	let seededDir: string | undefined;
	const contexts: BrowserContext[] = [];
	const pageFor = (person: Person, options: BrowserContextOptions = {}) => signedInPage(browser, contexts, app.url, person, options);

	async function shoot(page: Page, name: string) {
		const width = page.viewportSize()!.width;
		const overflow = await page.evaluate((w) => document.documentElement.scrollWidth - w, width);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
		// Long pages also in viewport-sized parts, which are easier to look at closely.
		const height = await page.evaluate(() => document.documentElement.scrollHeight);
		const part = 1400;
		if (process.env.TESSERA_EVALUATION_SHOT_PARTS) {
			for (let y = 0, i = 0; y < height; y += part, i++) await page.screenshot({ path: join(SHOTS, `${name}-part${i}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(part, height - y) } });
		}
	}

	/** Waits until every figure that has a chart has drawn it (charts are drawn in the browser, after hydration). */
	async function chartsDrawn(page: Page) {
		await page.locator('[data-chart] svg').first().waitFor();
		await page.waitForFunction(() => [...document.querySelectorAll('[data-chart]')].every((c) => c.querySelector('svg')));
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		// A living program: the demo seed (dozens of people in nine countries, twelve weeks of chat, works, surveys).
		seededDir = await mkdtemp(join(tmpdir(), 'tessera-e2e-demo-'));
		const seeded = await seedDemo({ config: loadConfig({}, { dataDir: seededDir, databaseUrl: undefined, logLevel: 'silent' }) });
		lead.email = seeded.admin.email;
		lead.password = seeded.password;
		[app, browser] = await Promise.all([startTessera({ dataDir: seededDir }), launchBrowser()]);
		const adminToken = await signInToken(app.url, lead);
		const ids: Record<string, string> = {};
		for (const [key, person] of Object.entries({ salma, mira, sami })) ids[key] = (await signUpViaApi(app.url, person)).id;
		expect((await apiCall(app.url, adminToken, `/api/v1/users/${ids.mira}`, { role: 'moderator' }, 'PATCH')).status).toBe(200);
		expect((await apiCall(app.url, adminToken, `/api/v1/users/${ids.salma}`, { role: 'admin' }, 'PATCH')).status).toBe(200);
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
		if (seededDir) await rm(seededDir, { recursive: true, force: true });
	});

	it('a program lead sees every figure with a title, a summary, a chart where there is one and a data table', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/evaluation`);
		await page.getByRole('heading', { level: 1, name: en.eval_heading }).waitFor();
		expect(await page.getByRole('navigation', { name: en.admin_nav_label }).getByRole('link', { name: en.admin_nav_evaluation }).getAttribute('aria-current')).toBe('page');
		// The header states the rules: the week, who is left out, and what "fewer than 5" means.
		const header = page.locator('[data-eval-header]');
		expect(await header.textContent()).toContain(en.eval_withheld);
		expect(await header.textContent()).toMatch(/Monday/);

		await chartsDrawn(page);
		const figures = page.locator('figure[data-section]');
		expect(await figures.count()).toBeGreaterThan(0);
		for (const figure of await figures.all()) {
			expect((await figure.locator('figcaption :is(h2,h3)').textContent())?.trim()).toBeTruthy();
			expect((await figure.locator('[data-summary]').textContent())?.trim()).toBeTruthy();
			expect(await figure.locator('table caption').count()).toBeGreaterThan(0);
			expect(await figure.locator('th[scope="col"]').count()).toBeGreaterThan(0);
		}
		// The drawing is hidden from screen readers: its table is the accessible version, one click away.
		expect(await page.locator('[data-chart][aria-hidden="true"]').count()).toBe(await page.locator('[data-chart]').count());
		const firstWithChart = figures.filter({ has: page.locator('[data-chart] svg') }).first();
		await firstWithChart.getByText(en.eval_show_table).click();
		expect(await firstWithChart.locator('table').first().isVisible()).toBe(true);
		// Withheld cells say so in words; they are never a 0.
		// A withheld count reads "fewer than 5"; a withheld median or test result says it is withheld.
		for (const cell of await page.locator('td[data-withheld]').all()) expect([en.eval_withheld, en.eval_withheld_value]).toContain((await cell.textContent())?.trim());

		// Quiet pairs are labelled as operational follow-up.
		await page.getByRole('heading', { level: 2, name: en.eval_quiet_heading }).waitFor();
		await expectNoAxeViolations(page, 'evaluation dashboard (en)');
		await shoot(page, 'evaluation-en');
	});

	it('changing a filter by keyboard reloads the figures for it, and a bad date is refused in words', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/evaluation`);
		const period = async () => (await page.locator('[data-period]').textContent())?.trim();
		const before = await period();
		const from = page.getByLabel(en.eval_filter_from, { exact: true });
		const to = await page.getByLabel(en.eval_filter_to, { exact: true }).inputValue();
		const earlier = new Date(Date.parse(`${to}T00:00:00Z`) - 27 * 86_400_000).toISOString().slice(0, 10);
		await from.fill(earlier);
		const cohort = page.getByLabel(en.eval_filter_cohort, { exact: true });
		const options = await cohort.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
		expect(options[0]).toBe('');
		if (options.length > 1) await cohort.selectOption(options[1]!);
		await tabTo(page, 'form[data-eval-filters] button[type="submit"]');
		// The dashboard is the heaviest page to compute; in a full parallel test run on a 2-core machine it once took
		// longer than the 10 s default to load (1–3 s alone), so this one navigation gets 30 s.
		await Promise.all([page.waitForURL((url) => url.searchParams.get('from') === earlier, { timeout: 30_000 }), page.keyboard.press('Enter')]);
		expect(await period()).not.toBe(before);
		expect(await from.inputValue()).toBe(earlier);
		if (options.length > 1) expect(await cohort.inputValue()).toBe(options[1]);
		// The download and report links keep the filter.
		expect(await page.locator('[data-download-csv]').getAttribute('href')).toContain(`from=${earlier}`);
		expect(await page.locator('[data-report-link]').getAttribute('href')).toContain(`from=${earlier}`);

		await page.goto(`${app.url}/admin/evaluation?from=not-a-date`);
		const alert = page.getByRole('alert');
		await alert.getByText(en.error_invalid_input).waitFor();
		expect(await page.locator('figure[data-section]').count()).toBeGreaterThan(0);
		await expectNoAxeViolations(page, 'evaluation dashboard with a bad filter');
	});

	it('the CSV holds every chart’s data, with a header, a byte order mark and "fewer than 5" for withheld figures', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/evaluation`);
		const withheldOnPage = await page.locator('td[data-withheld]').count();
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-download-csv]').click()]);
		expect(download.suggestedFilename()).toMatch(/^tessera-evaluation-\d{4}-\d{2}-\d{2}\.csv$/);
		const bytes = await readFile((await download.path())!);
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean);
		expect(lines[0]).toBe([en.eval_csv_chart, en.eval_csv_table, en.eval_csv_row, en.eval_csv_column, en.eval_csv_value].join(','));
		expect(lines.length).toBeGreaterThan(1);
		const withheldInCsv = lines.filter((l) => l.endsWith(`,${en.eval_withheld}`) || l.endsWith(`,"${en.eval_withheld_value}"`) || l.endsWith(`,${en.eval_withheld_value}`)).length;
		expect(withheldInCsv).toBe(withheldOnPage);
		// No names: the quiet pairs are not exported.
		for (const name of await page.locator('[data-quiet-pairs] tbody th').allTextContents()) expect(bytes.toString('utf8')).not.toContain(name.trim());

		// One chart's data alone.
		const id = await page.locator('figure[data-section]').first().getAttribute('data-section');
		const one = await page.request.get(`${app.url}/admin/evaluation/export.csv?chart=${id}`);
		expect(one.status()).toBe(200);
		expect(one.headers()['content-disposition']).toMatch(/^attachment; filename="tessera-evaluation-/);
		expect((await one.text()).split('\r\n').filter(Boolean).length).toBeGreaterThan(1);
	});

	it('the printable report states the period, filters and rules and has every figure as a table', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/evaluation`);
		const sections = await page.locator('figure[data-section]').count();
		await page.locator('[data-report-link]').click();
		await page.getByRole('heading', { level: 1, name: en.eval_report_heading }).waitFor();
		const text = (await page.locator('[data-eval-report]').textContent()) ?? '';
		for (const rule of [en.eval_report_period, en.eval_report_generated, en.eval_filter_cohort]) expect(text).toContain(rule);
		expect(text).toContain(en.eval_withheld);
		expect(await page.locator('figure[data-section]').count()).toBe(sections);
		expect(await page.locator('figure[data-section] table caption').count()).toBeGreaterThanOrEqual(sections);
		await expectNoAxeViolations(page, 'evaluation report (en)');
		await shoot(page, 'evaluation-report-en');
		// As printed: no site header or navigation, each figure on its own page.
		await page.emulateMedia({ media: 'print' });
		expect(await page.locator('header').first().isVisible()).toBe(false);
		expect(await page.locator('footer').first().isVisible()).toBe(false);
		expect(await page.locator('nav').first().isVisible()).toBe(false);
		expect(await page.getByRole('heading', { level: 1, name: en.eval_report_heading }).isVisible()).toBe(true);
		await page.setViewportSize({ width: 794, height: 1123 });
		await page.screenshot({ path: join(SHOTS, 'evaluation-report-print-en.png'), fullPage: true });
		await page.pdf({ path: join(SHOTS, 'evaluation-report-en.pdf'), format: 'A4' });
	});

	it('a moderator sees safeguarding health but not the evaluation dashboard; a mentee sees neither', async () => {
		const moderator = await pageFor(mira);
		await moderator.goto(`${app.url}/moderation`);
		await moderator.getByRole('navigation', { name: en.mod_sections_label }).getByRole('link', { name: en.eval_health_heading }).click();
		await moderator.getByRole('heading', { level: 1, name: en.eval_health_heading }).waitFor();
		await chartsDrawn(moderator);
		expect(await moderator.locator('figure[data-section] table').count()).toBeGreaterThan(0);
		expect(await moderator.getByLabel(en.eval_filter_cohort, { exact: true }).count()).toBe(0);
		await expectNoAxeViolations(moderator, 'safeguarding health (en)');
		await shoot(moderator, 'health-en');
		for (const path of PAGES) expect((await moderator.goto(`${app.url}${path}`))?.status(), path).toBe(404);

		const mentee = await pageFor(sami);
		for (const path of [...PAGES, '/moderation/health']) expect((await mentee.goto(`${app.url}${path}`))?.status(), path).toBe(404);
	});

	it('in Arabic the pages read right to left, in Arabic, with no axe violations; dark mode too', async () => {
		const page = await pageFor(salma, { locale: 'ar-EG' });
		await page.goto(`${app.url}/admin/evaluation`);
		expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
		await page.getByRole('heading', { level: 1, name: ar.eval_heading }).waitFor();
		await chartsDrawn(page);
		for (const cell of await page.locator('td[data-withheld]').all()) expect([ar.eval_withheld, ar.eval_withheld_value]).toContain((await cell.textContent())?.trim());
		await expectNoAxeViolations(page, 'evaluation dashboard (ar)');
		await shoot(page, 'evaluation-ar');
		await page.goto(`${app.url}/admin/evaluation/report`);
		await expectNoAxeViolations(page, 'evaluation report (ar)');
		await shoot(page, 'evaluation-report-ar');
		await page.goto(`${app.url}/moderation/health`);
		await chartsDrawn(page);
		await expectNoAxeViolations(page, 'safeguarding health (ar)');
		await shoot(page, 'health-ar');

		const dark = await pageFor(lead, { colorScheme: 'dark' });
		await dark.goto(`${app.url}/admin/evaluation`);
		await chartsDrawn(dark);
		await expectNoAxeViolations(dark, 'evaluation dashboard (dark)');
		await shoot(dark, 'evaluation-dark-en');
	});
});
