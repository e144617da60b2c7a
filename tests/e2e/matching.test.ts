import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import { zonedToInstant } from '../../src/lib/matching/zoned';
import { apiCall, describeBrowser, expectNoAxeViolations, launchBrowser, signedInPage, signInToken, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer, type Person } from './browser';

/** Where the screenshots go, for people to look at; nothing here compares pixels. */
const SHOTS = process.env.TESSERA_SHOTS_DIR ?? '/tmp/tessera-shots';

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));

/** Names and time zones inside sentences come in direction isolates, as the page writes them. */
const isolated = (text: string) => `\u2068${text}\u2069`;

/** A sentence matched whole, whether or not the names in it come wrapped in direction isolates (U+2068 … U+2069). */
const loose = (text: string) => {
	const isolates = '[\\u2068\\u2069]*';
	return new RegExp(`^\\s*${isolates}${[...text].map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join(isolates)}${isolates}\\s*$`);
};

/** A birth date that makes someone `years` old today (a month past the birthday). */
function yearsAgo(years: number): string {
	const d = new Date();
	d.setUTCFullYear(d.getUTCFullYear() - years);
	d.setUTCDate(d.getUTCDate() - 30);
	return d.toISOString().slice(0, 10);
}

type Slot = { day: number; start: number; end: number };
/** The same hours (given as HH on the person's own clock) Monday to Friday. */
const weekdays = (from: number, to: number): Slot[] => [1, 2, 3, 4, 5].map((day) => ({ day, start: from * 60, end: to * 60 }));

interface Seeded extends Person {
	languages: { tag: string; level: string }[];
	passions: string[];
	availability: Slot[];
	goals?: string[];
	capacity?: number;
}

const lead: Person = { email: uniqueEmail('lead'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };

// The pairs below are forced by the hard constraints alone (language, weekly overlap, vetting, room), so they hold
// whatever the engine's scores: Ava can only meet Priya, Ben only Lucas; Sami is a minor and no mentor is vetted.
const priya: Seeded = {
	email: uniqueEmail('priya'), password: 'ink on rice paper at dusk', displayName: 'Priya Raman', role: 'mentor', country: 'IN', timezone: 'Asia/Kolkata',
	languages: [{ tag: 'en', level: 'fluent' }, { tag: 'hi', level: 'native' }], passions: ['comics', 'drawing'], availability: weekdays(17, 22), goals: ['portfolio', 'creative_skills']
};
const lucas: Seeded = {
	email: uniqueEmail('lucas'), password: 'samba on a sunday morning', displayName: 'Lucas Pereira', role: 'mentor', country: 'BR', timezone: 'America/Sao_Paulo',
	languages: [{ tag: 'pt', level: 'native' }, { tag: 'en', level: 'fluent' }], passions: ['music', 'guitar'], availability: weekdays(18, 22), capacity: 1
};
const marta: Seeded = {
	email: uniqueEmail('marta'), password: 'olive oil and oil paint', displayName: 'Marta Ruiz', role: 'mentor', country: 'ES', timezone: 'Europe/Madrid',
	languages: [{ tag: 'es', level: 'native' }, { tag: 'en', level: 'fluent' }], passions: ['drawing', 'painting'], availability: weekdays(6, 10), goals: ['portfolio']
};
/** Speaks only Japanese: no pair here shares a language with her (translation is off). */
const hana: Seeded = {
	email: uniqueEmail('hana'), password: 'cherry blossoms in april', displayName: 'Hana Sato', role: 'mentor', country: 'JP', timezone: 'Asia/Tokyo',
	languages: [{ tag: 'ja', level: 'native' }], passions: ['comics'], availability: weekdays(0, 23)
};
const ava: Seeded = {
	email: uniqueEmail('ava'), password: 'icebergs off signal hill', displayName: 'Ava Walsh', role: 'mentee', birthDate: yearsAgo(19), country: 'CA', timezone: 'America/St_Johns',
	languages: [{ tag: 'en', level: 'native' }], passions: ['comics', 'drawing'], availability: weekdays(8, 13), goals: ['portfolio']
};
const ben: Seeded = {
	email: uniqueEmail('ben'), password: 'a kettle and a bass guitar', displayName: 'Ben Okafor', role: 'mentee', birthDate: yearsAgo(20), country: 'GB', timezone: 'Europe/London',
	languages: [{ tag: 'en', level: 'native' }], passions: ['music'], availability: weekdays(20, 24)
};
/** 17: a minor (above the consent age, so no guardian is asked), free when Lucas is. */
const sami: Seeded = {
	email: uniqueEmail('sami'), password: 'my bike has three gears', displayName: 'Sami Haddad', role: 'mentee', birthDate: yearsAgo(17), country: 'GB', timezone: 'Europe/London',
	languages: [{ tag: 'en', level: 'native' }], passions: ['music', 'comics'], availability: weekdays(20, 24)
};
/** Has said nothing about when she is free yet: she finds her mentor herself, later. */
const chloe: Seeded = {
	email: uniqueEmail('chloe'), password: 'a sketchbook on the metro', displayName: 'Chloé Martin', role: 'mentee', birthDate: yearsAgo(22), country: 'FR', timezone: 'Europe/Paris',
	languages: [{ tag: 'fr', level: 'native' }, { tag: 'en', level: 'fluent' }], passions: ['drawing', 'painting'], availability: []
};

const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

describeBrowser('mentor matching in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	const ids: Record<string, string> = {};
	const contexts: BrowserContext[] = [];
	let roundUrl = '';
	let avaMentorship = '';

	const call = async (person: Person, path: string, body?: unknown, method = 'POST') => apiCall(app.url, await signInToken(app.url, person), path, body, method);
	const pageFor = (person: Person, lang: 'en' | 'ar' = 'en') =>
		signedInPage(browser, contexts, app.url, person, lang === 'ar' ? { locale: 'ar-EG', timezoneId: 'Africa/Cairo' } : {});
	const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

	async function shoot(page: Page, name: string) {
		await page.waitForLoadState('networkidle');
		// Nothing may stick out sideways, in any language, at any width.
		const width = page.viewportSize()!.width;
		// Taken first, so a page that overflows can be looked at.
		await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
		const overflow = await page.evaluate((w) => {
			const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('[role=region]'));
			return { by: document.documentElement.scrollWidth - w, culprits: wide.slice(0, 5).map((e) => `${e.tagName}.${e.className}`) };
		}, width);
		expect(overflow.by, `${name} is wider than the viewport: ${overflow.culprits.join(', ')}`).toBeLessThanOrEqual(0);
	}

	/**
	 * The page at `path` as `person` sees it in English and in Arabic, on a desktop and a phone: screenshots of each,
	 * and axe on both languages. Arabic reads right to left.
	 */
	async function everyWay(person: Person, path: string, name: string, ready: (page: Page, lang: 'en' | 'ar') => Promise<unknown>) {
		for (const lang of ['en', 'ar'] as const) {
			const page = await pageFor(person, lang);
			await page.goto(`${app.url}${path}`);
			await ready(page, lang);
			expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(lang === 'ar' ? ['ar', 'rtl'] : ['en', 'ltr']);
			await expectNoAxeViolations(page, `${name} (${lang})`);
			await shoot(page, `matching-${name}-${lang}-desktop`);
			await page.setViewportSize(SIZES.phone);
			await shoot(page, `matching-${name}-${lang}-phone`);
			await page.context().close();
		}
	}

	beforeAll(async () => {
		mkdirSync(SHOTS, { recursive: true });
		[app, browser] = await Promise.all([startTessera({ translator: 'none' }), launchBrowser()]);
		// The first account becomes admin.
		ids.lead = (await signUpViaApi(app.url, lead)).id;
		for (const [key, p] of Object.entries({ priya, lucas, marta, hana, ava, ben, sami, chloe })) {
			ids[key] = (await signUpViaApi(app.url, { ...p, languages: p.languages, passions: p.passions } as Person)).id;
			const profile: Record<string, unknown> = { availability: p.availability, goals: p.goals ?? [] };
			if (p.capacity !== undefined) profile.capacity = p.capacity;
			const saved = await call(p, '/api/v1/matching/profile', profile, 'PUT');
			expect(saved.status, JSON.stringify(saved.body)).toBe(200);
		}
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('an admin runs a round by keyboard, reviews the proposals and the unmatched, adjusts by hand, and publishes by keyboard', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/users`);
		const adminNav = page.getByRole('navigation', { name: en.admin_nav_label });
		await adminNav.getByRole('link', { name: en.matching_ui_admin_nav }).click();
		await page.getByRole('heading', { level: 1, name: en.matching_ui_admin_heading }).waitFor();
		expect(await adminNav.getByRole('link', { name: en.matching_ui_admin_nav }).getAttribute('aria-current')).toBe('page');
		expect(await page.getByText(en.matching_ui_rounds_empty).isVisible()).toBe(true);
		// The weights wait behind a disclosure, each with what it does.
		await page.getByText(en.matching_ui_settings_summary).click();
		expect(await page.getByLabel(en.matching_ui_weight_passions).inputValue()).not.toBe('');
		expect(await page.getByText(en.matching_ui_weight_passions_hint).isVisible()).toBe(true);
		expect(await page.getByLabel(en.matching_ui_min_overlap).inputValue()).not.toBe('');
		await expectNoAxeViolations(page, 'admin matching, no rounds');
		// A weight out of range is refused next to its field, and what was typed stays.
		await page.getByLabel(en.matching_ui_weight_goals).fill('12');
		await page.getByRole('button', { name: en.matching_ui_run_submit }).click();
		await page.getByRole('alert').getByText(en.error_invalid_input).waitFor();
		expect(await page.locator('#run-weight-goals-error').textContent()).toBe(en.matching_ui_weight_invalid);
		expect(await page.getByLabel(en.matching_ui_weight_goals).inputValue()).toBe('12');
		await page.getByLabel(en.matching_ui_weight_goals).fill('2');
		// Kept as the program's settings: later rounds and self-match use them, and the form starts from them.
		await page.getByRole('button', { name: en.matching_ui_settings_save }).click();
		await page.getByRole('status').getByText(en.matching_ui_settings_saved).waitFor();
		expect((await app.server.app.matching.settings.get()).weights.goals).toBe(2);
		await page.reload();
		await page.getByText(en.matching_ui_settings_summary).click();
		expect(await page.getByLabel(en.matching_ui_weight_goals).inputValue()).toBe('2');

		// By keyboard: to the button, Enter.
		await page.locator('body').focus();
		await tabTo(page, '[data-run-round]', 60);
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/admin\/matching\/[0-9a-f-]{36}\?ran$/);
		roundUrl = page.url().replace(/\?ran$/, '');
		const status = page.getByRole('status');
		await status.getByText(fill(en.matching_ui_ran_done, { proposals: 2, unmatched: 2 })).waitFor();

		const proposals = page.getByRole('region', { name: fill(en.matching_ui_proposals_heading, { count: 2 }) });
		const row = (mentee: string) => proposals.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${mentee}`) }) });
		const mentorOf = (mentee: string) => row(mentee).getByRole('cell').first().locator('bdi').textContent();
		expect(await mentorOf('Ava Walsh')).toBe('Priya Raman');
		expect(await mentorOf('Ben Okafor')).toBe('Lucas Pereira');
		// Every proposal says why, in sentences.
		for (const name of ['Ava Walsh', 'Ben Okafor']) expect(await row(name).getByRole('listitem').count()).toBeGreaterThan(0);
		// Sami is a minor and no mentor is vetted: unmatched, flagged, with the reason in words.
		const unmatched = page.locator('[data-unmatched]');
		const samiCard = page.locator(`[data-unmatched="${ids.sami}"]`);
		expect(await unmatched.count()).toBe(2);
		expect(await samiCard.getByText(en.matching_ui_flag_minor, { exact: true }).isVisible()).toBe(true);
		const sentences = [...Object.entries(en).filter(([k]) => k.startsWith('error_matching_') || k.startsWith('matching_unmatched_')).map(([, v]) => v)];
		expect(sentences).toContain((await samiCard.locator('p').nth(1).textContent())?.trim());
		expect(await page.locator(`[data-unmatched="${ids.chloe}"]`).count()).toBe(1);

		await everyWay(lead, new URL(roundUrl).pathname, 'round-review', (p, lang) =>
			p.getByRole('heading', { level: 2, name: fill((lang === 'ar' ? ar : en).matching_ui_proposals_heading, { count: 2 }) }).waitFor()
		);

		// Remove Ben's proposal: he is listed unmatched, removed by hand; focus goes on from the table's heading.
		await row('Ben Okafor').getByRole('button', { name: loose(`${en.matching_ui_remove} (${fill(en.matching_ui_pair_names, { mentee: 'Ben Okafor', mentor: 'Lucas Pereira' })})`) }).click();
		await status.getByText(fill(en.matching_ui_removed_done, { mentee: 'Ben Okafor' })).waitFor();
		await expect.poll(() => focused(page).then((f) => f.id)).toBe('proposals-heading');
		await page.locator(`[data-unmatched="${ids.ben}"]`).getByText(en.matching_unmatched_removed_by_admin).waitFor();

		// Pairing the minor with an unvetted mentor is refused with the rule it breaks.
		await page.getByLabel(en.matching_ui_col_mentee, { exact: true }).selectOption(ids.sami!);
		await page.getByLabel(en.matching_ui_col_mentor, { exact: true }).selectOption(ids.lucas!);
		await page.getByRole('button', { name: en.matching_ui_pair_submit }).click();
		await page.locator('#pair-error').getByText(en.error_matching_minor_needs_vetted_mentor).waitFor();
		await expectNoAxeViolations(page, 'round review, a pair refused');
		await shoot(page, 'matching-round-refused-en-desktop');

		// Ben and Lucas again, by hand this time.
		await page.getByLabel(en.matching_ui_col_mentee, { exact: true }).selectOption(ids.ben!);
		await page.getByLabel(en.matching_ui_col_mentor, { exact: true }).selectOption(ids.lucas!);
		await page.getByRole('button', { name: en.matching_ui_pair_submit }).click();
		await status.getByText(loose(fill(en.matching_ui_paired_done, { mentee: 'Ben Okafor', mentor: 'Lucas Pereira' }))).waitFor();
		expect(await row('Ben Okafor').getByText(en.matching_ui_flag_manual).isVisible()).toBe(true);

		// Publishing asks for a confirmation first.
		await page.getByRole('button', { name: en.matching_ui_publish_submit }).click();
		await page.locator('#publish-confirm-error').getByText(en.matching_ui_publish_confirm_missing).waitFor();
		expect(await page.locator('#publish-confirm').getAttribute('aria-invalid')).toBe('true');
		// By keyboard: tick the box with Space, on to the button, Enter.
		await page.locator('#publish-confirm').focus();
		await page.keyboard.press('Space');
		await tabTo(page, '[data-publish]', 5);
		await page.keyboard.press('Enter');
		await status.getByText(fill(en.matching_ui_published_done, { count: 2 })).waitFor();
		await expect.poll(() => focused(page).then((f) => f.id)).toBe('round-heading');
		expect(await page.getByText(en.matching_ui_round_status_published, { exact: true }).count()).toBeGreaterThan(0);
		expect(await row('Ava Walsh').getByText(en.mentorship_status_proposed, { exact: true }).isVisible()).toBe(true);
		// Staff follow each published proposal to its page.
		expect(await row('Ava Walsh').getByRole('link', { name: new RegExp(`^${en.matching_ui_round_open}`) }).getAttribute('href')).toMatch(/^\/mentorships\/[0-9a-f-]{36}$/);
		expect(await page.getByRole('button', { name: en.matching_ui_publish_submit }).count()).toBe(0);

		await everyWay(lead, '/admin/matching', 'rounds', (p, lang) => p.getByRole('heading', { level: 1, name: (lang === 'ar' ? ar : en).matching_ui_admin_heading }).waitFor());
	});

	it('the mentor and the mentee each accept the proposal on /mentorships; the last yes opens their space', async () => {
		const priyaPage = await pageFor(priya);
		await priyaPage.goto(app.url);
		// Mentoring is in the main navigation for mentors and mentees.
		await priyaPage.getByRole('navigation', { name: en.nav_label }).getByRole('link', { name: en.matching_ui_nav_mentoring }).click();
		await priyaPage.getByRole('heading', { level: 1, name: en.matching_ui_mentorships_heading }).waitFor();
		const card = priyaPage.locator('article[data-status="proposed"]').filter({ hasText: 'Ava Walsh' });
		expect(await card.getByText(en.mentorship_waiting_you).isVisible()).toBe(true);
		expect(await card.getByText(en.mentorship_waiting_mentee).isVisible()).toBe(true);

		await everyWay(priya, '/mentorships', 'mentorships-proposed', (p, lang) => p.getByRole('heading', { level: 2, name: (lang === 'ar' ? ar : en).mentorship_group_proposed }).waitFor());

		await card.getByRole('button', { name: new RegExp(`^${en.mentorship_accept}`) }).click();
		await priyaPage.getByRole('status').getByText(fill(en.mentorship_accepted_done, { name: 'Ava Walsh' })).waitFor();
		await card.getByText(en.mentorship_waiting_mentee).waitFor();
		expect(await card.getByText(en.mentorship_waiting_you).count()).toBe(0);

		const avaPage = await pageFor(ava);
		await avaPage.goto(`${app.url}/mentorships`);
		const avaCard = avaPage.locator('article[data-status="proposed"]').filter({ hasText: 'Priya Raman' });
		expect(await avaCard.getByText(en.mentorship_waiting_you).isVisible()).toBe(true);
		expect(await avaCard.getByRole('listitem').count()).toBeGreaterThan(1);
		await avaCard.getByRole('button', { name: new RegExp(`^${en.mentorship_accept}`) }).click();
		await avaPage.getByRole('status').getByText(fill(en.mentorship_started_done, { name: 'Priya Raman' })).waitFor();
		const active = avaPage.locator('article[data-status="active"]').filter({ hasText: 'Priya Raman' });
		avaMentorship = (await active.getAttribute('data-mentorship-id'))!;
		await active.getByRole('link', { name: en.mentorship_open_space }).click();
		await avaPage.waitForURL(/\/spaces\/[0-9a-f-]{36}$/);
		await avaPage.getByRole('list', { name: en.space_members_list }).getByText('Priya Raman', { exact: true }).first().waitFor();
	});

	it('a mentee with no free times is told why the list is empty, adds them on the matching profile, and requests a mentor by keyboard', async () => {
		const page = await pageFor(chloe);
		await page.goto(`${app.url}/mentors`);
		await page.getByText(en.matching_ui_mentors_empty_availability).waitFor();
		await expectNoAxeViolations(page, 'mentors, empty');
		await shoot(page, 'matching-mentors-empty-en-desktop');
		await page.getByRole('link', { name: en.matching_ui_mentors_set_availability }).click();
		await page.waitForURL(`${app.url}/profile/matching`);
		await page.getByRole('heading', { level: 1, name: en.matching_ui_profile_heading }).waitFor();
		expect(await page.getByText(fill(en.matching_ui_availability_hint, { zone: isolated('Europe / Paris') })).isVisible()).toBe(true);

		// A first try with the end before the start: said next to the field and in the summary, with a link to it.
		const day = (i: number) => page.locator(`#matching-availability-${i}-day`);
		const start = (i: number) => page.locator(`#matching-availability-${i}-start`);
		const end = (i: number) => page.locator(`#matching-availability-${i}-end`);
		await day(0).selectOption('1');
		await start(0).fill('16:00');
		await end(0).fill('07:00');
		await page.getByRole('button', { name: en.matching_ui_profile_save }).click();
		const summary = page.getByRole('alert').filter({ hasText: en.error_invalid_input });
		await summary.waitFor();
		expect(await page.locator('#matching-availability-0-end-error').textContent()).toBe(en.matching_ui_slot_end_before_start);
		expect(await end(0).getAttribute('aria-invalid')).toBe('true');
		expect(await summary.getByRole('link', { name: `${en.matching_ui_slot_end} (${fill(en.matching_ui_slot_n, { n: 1 })}): ${en.matching_ui_slot_end_before_start}` }).count()).toBe(1);
		await expectNoAxeViolations(page, 'matching profile with an error');
		await shoot(page, 'matching-profile-error-en-desktop');

		// Monday 07:00–16:00, then "Add a time" copies it to the next day, four times: Monday to Friday.
		await start(0).fill('07:00');
		await end(0).fill('16:00');
		const add = page.getByRole('button', { name: `+ ${en.matching_ui_slot_add}` });
		// The two empty rows shown again for adding without a script go first, so the copies follow Monday.
		for (const i of [3, 2]) await page.getByRole('button', { name: `${en.matching_ui_slot_remove} (${fill(en.matching_ui_slot_n, { n: i })})` }).click();
		for (let i = 0; i < 4; i++) await add.click();
		await expect.poll(() => focused(page).then((f) => f.id)).toBe('matching-availability-4-day');
		expect(await day(4).inputValue()).toBe('5');
		expect(await end(4).inputValue()).toBe('16:00');
		await page.getByLabel(en.matching_ui_goal_portfolio).check();
		await page.getByLabel(en.matching_ui_cross_border_other).check();
		await page.getByRole('button', { name: en.matching_ui_profile_save }).click();
		await page.getByRole('status').getByText(en.matching_ui_profile_saved).waitFor();
		const saved = await call(chloe, '/api/v1/matching/profile', undefined, 'GET');
		expect((saved.body.profile as { availability: Slot[] }).availability).toEqual(weekdays(7, 16));
		expect(saved.body.profile).toMatchObject({ goals: ['portfolio'], crossBorder: true });

		await everyWay(chloe, '/profile/matching', 'profile', (p, lang) => p.getByRole('heading', { level: 1, name: (lang === 'ar' ? ar : en).matching_ui_profile_heading }).waitFor());

		// The ranked list: Marta (room for two) and Priya (room for one more); Lucas is full, Hana shares no language.
		await page.getByRole('link', { name: en.matching_ui_profile_next_mentors }).click();
		await page.waitForURL(`${app.url}/mentors`);
		const list = page.getByRole('list', { name: fill(en.matching_ui_mentors_list, { count: 2 }) });
		await list.waitFor();
		const items = list.locator(':scope > li');
		expect(await items.count()).toBe(2);
		const shown = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-mentor-id')));
		expect(shown.sort()).toEqual([ids.marta, ids.priya].sort());
		const martaItem = page.locator(`li[data-mentor-id="${ids.marta}"]`);
		expect(await martaItem.getByRole('heading', { name: en.matching_ui_why_mentor }).isVisible()).toBe(true);
		expect(await martaItem.locator('ul.list-disc > li').count()).toBeGreaterThan(0);
		expect(await martaItem.getByText('painting', { exact: true }).isVisible()).toBe(true);
		expect(await martaItem.getByText(/Spain/).isVisible()).toBe(true);
		expect(await martaItem.getByText(new RegExp(en.matching_ui_overlap.split('{')[0]!)).isVisible()).toBe(true);

		await everyWay(chloe, '/mentors', 'mentors', (p) => p.locator(`li[data-mentor-id="${ids.marta}"]`).waitFor());

		// By keyboard: to Marta's button, Enter.
		await page.locator('body').focus();
		await tabTo(page, `[data-request="${ids.marta}"]`, 60);
		expect((await focused(page)).text).toContain(en.matching_ui_request);
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/mentorships\?requested=/);
		await page.getByRole('status').getByText(fill(en.mentorship_requested_done, { name: 'Marta Ruiz' })).waitFor();
		const card = page.locator('article[data-status="proposed"]').filter({ hasText: 'Marta Ruiz' });
		expect(await card.getByText(en.mentorship_waiting_mentor).isVisible()).toBe(true);
		// Her own yes is in: no buttons for her.
		expect(await card.getByRole('button').count()).toBe(0);
		await page.goto(`${app.url}/mentors`);
		await page.getByText(en.matching_ui_mentors_empty_busy).waitFor();
	});

	it('the pair keeps goals, tasks and meetings; each meeting shows in both time zones, and the calendar downloads', async () => {
		const avaPage = await pageFor(ava);
		await avaPage.goto(`${app.url}/mentorships`);
		await avaPage.getByRole('link', { name: `${en.mentorship_open_plan} (Priya Raman)` }).click();
		await avaPage.waitForURL(`${app.url}/mentorships/${avaMentorship}`);
		await avaPage.getByRole('heading', { level: 1, name: loose(fill(en.mentorship_heading, { name: 'Priya Raman' })) }).waitFor();
		const status = avaPage.getByRole('status').first();

		await avaPage.getByLabel(en.mentorship_goal_new).fill('Finish a six-page comic');
		await avaPage.getByRole('button', { name: en.mentorship_goal_add }).click();
		await status.getByText(en.mentorship_done_goal_added).waitFor();
		const goal = avaPage.locator('[data-goal]').filter({ hasText: 'Finish a six-page comic' });
		await goal.getByRole('button', { name: `${en.mentorship_mark_done} (Finish a six-page comic)` }).click();
		await status.getByText(en.mentorship_done_goal_done).waitFor();
		await goal.getByText(en.mentorship_done, { exact: true }).waitFor();
		expect(await avaPage.getByLabel(en.mentorship_goal_new).inputValue()).toBe('');

		await avaPage.getByLabel(en.mentorship_task_title).fill('Sketch the three characters');
		await avaPage.getByLabel(en.mentorship_task_assignee).selectOption({ label: en.mentorship_task_for_me });
		await avaPage.getByLabel(new RegExp(`^${en.mentorship_task_due_label}`)).fill('2030-05-17');
		await avaPage.getByRole('button', { name: en.mentorship_task_add }).click();
		await status.getByText(en.mentorship_done_task_added).waitFor();
		const task = avaPage.locator('[data-task]').filter({ hasText: 'Sketch the three characters' });
		expect(await task.getByText(`${en.mentorship_task_assigned_me} · ${fill(en.mentorship_task_due, { date: new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(2030, 4, 17, 12)) })}`).isVisible()).toBe(true);
		await task.getByRole('button', { name: new RegExp(`^${en.mentorship_mark_done}`) }).click();
		await status.getByText(en.mentorship_done_task_done).waitFor();

		// A week ahead, 09:30 on Ava's clock in St John's (a half-hour zone); Priya reads it in Kolkata.
		const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
		const instant = zonedToInstant(date, '09:30', 'America/St_Johns')!;
		const at = (timeZone: string) => new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(instant);
		expect(await avaPage.getByText(fill(en.mentorship_meeting_zone, { zone: isolated('America / St Johns') })).isVisible()).toBe(true);
		await avaPage.getByLabel(en.mentorship_meeting_date, { exact: true }).fill(date);
		await avaPage.getByLabel(new RegExp(`^${en.mentorship_meeting_time}\\s+\\(\u2068?America / St Johns\u2069?\\)$`)).fill('09:30');
		await avaPage.getByLabel(en.mentorship_meeting_note).fill('First read-through of the script');
		await avaPage.getByRole('button', { name: en.mentorship_meeting_propose }).click();
		await status.getByText(en.mentorship_done_meeting_proposed).waitFor();
		const meeting = avaPage.locator('[data-meeting]').first();
		expect(await meeting.locator('[data-zone="America/St_Johns"]').textContent()).toBe(at('America/St_Johns'));
		expect(await meeting.locator('[data-zone="Asia/Kolkata"]').textContent()).toBe(at('Asia/Kolkata'));
		expect(await meeting.getByText(fill(en.mentorship_time_you, { zone: isolated('America / St Johns') })).isVisible()).toBe(true);
		expect(await meeting.getByText(loose(fill(en.mentorship_time_of, { name: 'Priya Raman', zone: 'Asia / Kolkata' }))).isVisible()).toBe(true);
		expect(await meeting.getByText(en.mentorship_meeting_proposed, { exact: true }).isVisible()).toBe(true);
		// Only the other one accepts or declines.
		expect(await meeting.getByRole('button', { name: new RegExp(`^${en.mentorship_meeting_accept}`) }).count()).toBe(0);

		// The calendar file: text/calendar, the meeting in UTC.
		const ics = avaPage.locator('[data-ics]');
		expect(await ics.getAttribute('download')).toBe('meetings.ics');
		const [download] = await Promise.all([avaPage.waitForEvent('download'), ics.click()]);
		expect(download.suggestedFilename()).toBe('meetings.ics');
		const res = await avaPage.request.get(`${app.url}${await ics.getAttribute('href')}`);
		expect(res.headers()['content-type']).toMatch(/^text\/calendar/);
		const body = await res.text();
		expect(body).toContain('BEGIN:VCALENDAR');
		expect(body).toContain(`DTSTART:${instant.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);

		await everyWay(ava, `/mentorships/${avaMentorship}`, 'mentorship', (p) => p.locator('[data-meeting]').first().waitFor());
		// And in the dark scheme, where every colour is another one.
		const dark = await signedInPage(browser, contexts, app.url, ava, { colorScheme: 'dark' });
		await dark.goto(`${app.url}/mentorships/${avaMentorship}`);
		await dark.locator('[data-meeting]').first().waitFor();
		await expectNoAxeViolations(dark, 'mentorship (dark)');
		await shoot(dark, 'matching-mentorship-en-dark');

		// Priya, in Kolkata, accepts by keyboard; both times are there for her too.
		const priyaPage = await pageFor(priya);
		await priyaPage.goto(`${app.url}/mentorships/${avaMentorship}`);
		const hers = priyaPage.locator('[data-meeting]').first();
		expect(await hers.getByText(fill(en.mentorship_time_you, { zone: isolated('Asia / Kolkata') })).isVisible()).toBe(true);
		expect(await hers.locator('[data-zone="Asia/Kolkata"]').textContent()).toBe(at('Asia/Kolkata'));
		await hers.getByRole('button', { name: new RegExp(`^${en.mentorship_meeting_accept}`) }).focus();
		await priyaPage.keyboard.press('Enter');
		await priyaPage.getByRole('status').first().getByText(en.mentorship_done_meeting_accepted).waitFor();
		await hers.getByText(en.mentorship_meeting_accepted, { exact: true }).waitFor();
		// Goals and tasks are the pair's: she sees Ava's.
		expect(await priyaPage.locator('[data-goal]').filter({ hasText: 'Finish a six-page comic' }).count()).toBe(1);
		await expectNoAxeViolations(priyaPage, 'mentorship, mentor');
	});

	it('the admin records a mentor’s vetting for work with minors on the users page', async () => {
		const page = await pageFor(lead);
		await page.goto(`${app.url}/admin/users`);
		const lucasRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^Lucas Pereira/ }) });
		expect(await lucasRow.getByText(en.matching_ui_not_vetted_short).isVisible()).toBe(true);
		// Only mentors have the control.
		const avaRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^Ava Walsh/ }) });
		expect(await avaRow.getByRole('button', { name: new RegExp(en.matching_ui_vetting_record) }).count()).toBe(0);
		await lucasRow.getByRole('button', { name: `${en.matching_ui_vetting_record} (Lucas Pereira)` }).click();
		await page.getByRole('status').getByText(fill(en.admin_users_saved, { name: 'Lucas Pereira' })).waitFor();
		await lucasRow.getByText(en.matching_ui_vetted_short).waitFor();
		const profile = await call(lucas, '/api/v1/matching/profile', undefined, 'GET');
		expect(profile.body.profile).toMatchObject({ vettedForMinors: true });

		await everyWay(lead, '/admin/users', 'admin-users', (p) => p.locator('[data-vetting="yes"]').waitFor());
	});
});
