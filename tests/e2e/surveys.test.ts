import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { rawQuery } from '../../server/db/raw';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SURVEY_SHOTS_DIR ?? '/tmp/survey-shots';
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));
const today = () => new Date().toISOString().slice(0, 10);

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };
const ava: Person = { email: uniqueEmail('ava'), password: 'icebergs off signal hill', displayName: 'Ava Walsh', role: 'mentee', birthDate: '2004-03-02' };
const omar: Person = { email: uniqueEmail('omar'), password: 'the nile at five in the morning', displayName: 'Omar Said', role: 'mentee', birthDate: '2003-09-12', country: 'EG', timezone: 'Africa/Cairo' };
const noConsent: Person = { email: uniqueEmail('nina'), password: 'no figures about me please', displayName: 'Nina Berg', role: 'mentee', birthDate: '2001-01-20' };

describeBrowser('surveys in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	const contexts: BrowserContext[] = [];
	let pointId = '';

	const pageFor = (person: Person, lang: 'en' | 'ar' = 'en') => signedInPage(browser, contexts, app.url, person, lang === 'ar' ? { locale: 'ar-EG', timezoneId: 'Africa/Cairo' } : {});
	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow, `${name} is wider than the viewport`).toBeLessThanOrEqual(0);
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera({ translator: 'none' }), launchBrowser()]);
		await signUpViaApi(app.url, lead); // the first account becomes admin
		for (const person of [ava, omar, noConsent]) await signUpViaApi(app.url, person);
		for (const person of [ava, omar]) {
			const consent = await apiCall(app.url, await signInToken(app.url, person), '/api/v1/me/consents', { purpose: 'evaluation' });
			expect(consent.status).toBe(200);
		}
	});
	afterAll(async () => {
		for (const context of contexts) await context.close().catch(() => {});
		await browser?.close();
		await app?.close();
	});

	it('a lead defines a survey through the form, is told what is missing without losing anything, then opens it', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/users`);
		await page.getByRole('navigation', { name: en.admin_nav_label }).getByRole('link', { name: en.survey_admin_nav }).click();
		await page.getByRole('heading', { level: 1, name: en.survey_admin_heading }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByText(en.survey_list_empty).isVisible()).toBe(true);
		await expectNoAxeViolations(page, 'admin surveys (en)');
		await shoot(page, 'admin-surveys-empty-en');

		// A title, a choice question with one option only, and no moment: refused field by field.
		await page.getByLabel(en.survey_field_title, { exact: true }).fill('Starting out');
		const q = (i: number) => page.locator(`[data-question-row="${i}"]`);
		await q(0).getByLabel(en.survey_field_prompt).fill('I feel confident sharing my work');
		await q(1).getByLabel(en.survey_field_kind).selectOption('choice');
		await q(1).getByLabel(en.survey_field_prompt).fill('Favourite medium');
		await q(1).getByLabel(en.survey_field_choices).fill('Ink');
		await page.getByRole('button', { name: en.survey_create_submit }).click();
		const summary = page.getByRole('alert').filter({ hasText: en.error_invalid_input });
		await summary.waitFor();
		expect((await summary.getByRole('link').allTextContents()).sort()).toEqual([
			`${fill(en.survey_question_legend, { number: 2 })}: ${en.survey_field_choices}: ${en.error_survey_choices_invalid}`,
			`${en.survey_schedule_legend}: ${en.survey_error_schedule_required}`
		]);
		expect(await page.locator('#survey-q1-choices-error').textContent()).toBe(en.error_survey_choices_invalid);
		expect(await page.locator('#survey-when-error').textContent()).toBe(en.survey_error_schedule_required);
		expect(await page.getByLabel(en.survey_field_title, { exact: true }).inputValue()).toBe('Starting out');
		expect(await q(1).getByLabel(en.survey_field_choices).inputValue()).toBe('Ink');
		await expectNoAxeViolations(page, 'admin surveys with errors (en)');
		await shoot(page, 'admin-surveys-errors-en');

		// Put right: two options, a free-text question added by keyboard, a Spanish title, asked from today.
		await q(1).getByLabel(en.survey_field_choices).fill('Ink\nPaint');
		await q(2).getByLabel(en.survey_field_kind).selectOption('text');
		await q(2).getByLabel(en.survey_field_prompt).fill('What do you hope to make?');
		await q(4).getByRole('button', { name: fill(en.survey_question_remove, { number: 5 }) }).click();
		expect(await page.locator('[data-question-row]').count()).toBe(4);
		await page.locator('[data-add-question]').focus();
		await page.keyboard.press('Enter');
		expect(await page.locator('[data-question-row]').count()).toBe(5);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('survey-q4-kind');
		await page.getByText('Spanish', { exact: true }).click();
		await page.getByLabel(fill(en.survey_translation_title, { language: 'Spanish' })).fill('Primeros pasos');
		await page.getByLabel(en.survey_schedule_pre).check();
		await page.getByLabel(en.survey_schedule_other).check();
		await page.getByLabel(en.survey_field_date).fill(today());
		await page.getByRole('button', { name: en.survey_create_submit }).click();
		await page.getByRole('status').getByText(en.survey_created_message).waitFor();
		const card = page.locator('[data-survey-id]').filter({ hasText: 'Starting out' });
		expect(await card.getByText(en.survey_status_draft, { exact: true }).isVisible()).toBe(true);
		// The form starts afresh.
		expect(await page.getByLabel(en.survey_field_title, { exact: true }).inputValue()).toBe('');

		// Opening asks first.
		await card.getByRole('button', { name: new RegExp(`^${en.survey_open_button}`) }).click();
		await card.getByRole('alert').getByText(en.survey_open_confirm_required).waitFor();
		await card.getByLabel(en.survey_open_confirm).check();
		await card.getByRole('button', { name: new RegExp(`^${en.survey_open_button}`) }).click();
		await page.getByRole('status').getByText(en.survey_opened_message).waitFor();
		expect(await card.getByText(en.survey_status_open, { exact: true }).isVisible()).toBe(true);
		await shoot(page, 'admin-surveys-open-en');

		const { surveys } = (await apiCall(app.url, await signInToken(app.url, lead), '/api/v1/surveys', undefined, 'GET')).body as { surveys: { id: string; status: string }[] };
		const survey = (await apiCall(app.url, await signInToken(app.url, lead), `/api/v1/surveys/${surveys[0]!.id}`, undefined, 'GET')).body as any;
		expect(survey).toMatchObject({ status: 'open', sourceLang: 'en', title: { en: 'Starting out', es: 'Primeros pasos' } });
		expect(survey.questions.map((x: { kind: string }) => x.kind)).toEqual(['likert', 'choice', 'text']);
		expect(survey.questions[1].choices).toEqual([{ en: 'Ink' }, { en: 'Paint' }]);
		expect(survey.points.map((p: { phase: string }) => p.phase).sort()).toEqual(['other', 'pre']);
		pointId = survey.points.find((p: { phase: string }) => p.phase === 'other').id;
	});

	it('the admin page has no axe violations in Arabic either, right to left', async () => {
		const page = await pageFor(lead, 'ar');
		await page.goto(`${app.url}/admin/surveys`);
		await page.getByRole('heading', { level: 1, name: ar.survey_admin_heading }).waitFor();
		expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
		await expectNoAxeViolations(page, 'admin surveys (ar)');
		await page.getByRole('button', { name: ar.survey_create_submit }).click();
		await page.getByRole('alert').filter({ hasText: ar.error_invalid_input }).waitFor();
		await expectNoAxeViolations(page, 'admin surveys with errors (ar)');
		await shoot(page, 'admin-surveys-errors-ar');
	});

	it('a participant finds the notice on the start page and answers with the keyboard alone', async () => {
		const page = await pageFor(ava);
		await page.goto(app.url);
		const notice = page.locator('[data-survey-notice]');
		await notice.getByRole('heading', { name: en.survey_notice_heading }).waitFor();
		await expectNoAxeViolations(page, 'home with the survey notice (en)');
		await shoot(page, 'home-notice-en');

		await page.locator('body').focus();
		await tabTo(page, `a[href="/surveys/${pointId}"]`, 40);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${app.url}/surveys/${pointId}`);
		await page.getByRole('heading', { level: 1, name: 'Starting out' }).waitFor();
		await page.waitForLoadState('networkidle');
		expect(await page.getByText(en.survey_use_text).isVisible()).toBe(true);
		await expectNoAxeViolations(page, 'survey page (en)');
		await shoot(page, 'survey-en');

		// Sending nothing is refused with a sentence saying so.
		await page.locator('body').focus();
		await tabTo(page, '[data-send-survey]', 40);
		await page.keyboard.press('Enter');
		await page.getByRole('alert').getByText(en.error_survey_answer_empty).waitFor();

		// Likert: into the group, Space picks 1, arrows move to 4.
		await page.locator('body').focus();
		await tabTo(page, 'input[type=radio][value="1"]', 40);
		await page.keyboard.press('Space');
		for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
		// The options: Tab into the group, Space picks the first, the arrow the second.
		await page.keyboard.press('Tab');
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Tab');
		await page.keyboard.type('A comic about my grandmother');
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-send-survey'))).toBe(true);
		await page.keyboard.press('Enter');
		await page.getByRole('heading', { level: 1, name: en.survey_thanks_heading }).waitFor();

		const rows = await rawQuery(app.server.app.database.db)(
			`select q.kind, a.value, a.text from survey_answers a join survey_questions q on q.id = a.question_id order by q.position`,
			[]
		);
		expect(rows).toEqual([
			{ kind: 'likert', value: 4, text: null },
			{ kind: 'choice', value: 1, text: null },
			{ kind: 'text', value: null, text: 'A comic about my grandmother' }
		]);

		// Answered: the notice is gone and the page says so.
		await page.goto(app.url);
		await page.getByRole('heading', { level: 1 }).first().waitFor();
		expect(await page.locator('[data-survey-notice]').count()).toBe(0);
		await page.goto(`${app.url}/surveys/${pointId}`);
		await page.getByRole('heading', { level: 1, name: en.survey_answered_heading }).waitFor();
	});

	it('in Arabic the survey reads right to left with no axe violations; without consent the page says why', async () => {
		const page = await pageFor(omar, 'ar');
		await page.goto(app.url);
		await page.locator('[data-survey-notice]').getByRole('heading', { name: ar.survey_notice_heading }).waitFor();
		await expectNoAxeViolations(page, 'home with the survey notice (ar)');
		await shoot(page, 'home-notice-ar');
		await page.goto(`${app.url}/surveys/${pointId}`);
		// No Arabic text was written: the survey's own language, inside an Arabic page.
		await page.getByRole('heading', { level: 1, name: 'Starting out' }).waitFor();
		expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
		expect(await page.getByText(ar.survey_likert_low).isVisible()).toBe(true);
		await expectNoAxeViolations(page, 'survey page (ar)');
		await shoot(page, 'survey-ar');

		const nina = await pageFor(noConsent);
		await nina.goto(`${app.url}/surveys/${pointId}`);
		await nina.getByRole('heading', { level: 1, name: en.survey_no_consent_heading }).waitFor();
		await expectNoAxeViolations(nina, 'survey page without consent (en)');
		await shoot(nina, 'survey-no-consent-en');
		const unknown = await nina.goto(`${app.url}/surveys/00000000-0000-4000-8000-000000000000`);
		expect(unknown?.status()).toBe(404);
	});
});
