import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import ar from '../../messages/ar.json';
import en from '../../messages/en.json';
import es from '../../messages/es.json';
import { describeBrowser, expectNoAxeViolations, launchBrowser, newContext, signUpViaApi, startTessera, tabTo, uniqueEmail, type E2eServer } from './browser';

const mentee = { email: uniqueEmail('amal'), password: 'my cat sleeps on the piano', displayName: 'Amal' };
const mentor = { email: uniqueEmail('lucia'), password: 'tea at five under the old oak', displayName: 'Lucía' };
const admin = { email: uniqueEmail('admin'), password: 'the program lead keeps the keys', displayName: 'Program Lead' };

describeBrowser('foundation: accounts, profile, languages, spaces and invites in a real browser', () => {
	let app: E2eServer;
	let browser: Browser;
	let menteeContext: BrowserContext;
	let a: Page;
	let spaceUrl = '';
	let inviteUrl = '';

	beforeAll(async () => {
		// A default link lifetime that is not one of the usual choices, to see INVITE_DEFAULT_HOURS reach the page.
		[app, browser] = await Promise.all([startTessera({ inviteDefaultHours: 48 }), launchBrowser()]);
		// The very first account becomes admin; make that a throwaway so the people under test are ordinary users.
		const { id: adminId } = await signUpViaApi(app.url, admin);
		// This journey predates supervised spaces: the 16-year-old mentee works in spaces without a supervising
		// moderator, so the policy is switched off here (the rule itself: safeguarding-minors.test.ts).
		await app.server.app.safeguarding.updatePolicy({ actorId: adminId, patch: { supervisedSpacesForMinors: false } });
		menteeContext = await newContext(browser);
		a = await menteeContext.newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await app?.close();
	});

	it('the landing page says what Tessera is and how it keeps young people safe', async () => {
		await a.goto(app.url);
		await expect(a.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(en.landing_heading);
		expect(await a.getByText(en.landing_chip_moderated, { exact: true }).isVisible()).toBe(true);
		expect(await a.getByText(en.landing_chip_consent, { exact: true }).isVisible()).toBe(true);
		expect(await a.getByRole('link', { name: en.landing_cta_signup }).isVisible()).toBe(true);
		await expectNoAxeViolations(a, 'landing');
	});

	it('the skip link is the first Tab stop and takes the keyboard to the main content', async () => {
		await a.goto(app.url);
		await a.keyboard.press('Tab');
		const first = await a.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), href: document.activeElement?.getAttribute('href') }));
		expect(first).toEqual({ text: en.skip_to_content, href: '#main' });
		await a.keyboard.press('Enter');
		expect(await a.evaluate(() => document.activeElement?.id)).toBe('main');
	});

	it('a sign-up with a short password keeps everything typed and explains the problem next to the field', async () => {
		await a.goto(`${app.url}/signup`);
		await expectNoAxeViolations(a, 'signup');
		await a.getByLabel(en.field_email).fill(mentee.email);
		await a.getByLabel(en.field_password).fill('short');
		await a.getByLabel(en.field_display_name).fill(mentee.displayName);
		await a.getByRole('button', { name: en.signup_submit }).click();

		const summary = a.getByRole('alert');
		await summary.waitFor();
		expect(await summary.textContent()).toContain(en.error_password_too_short);
		const password = a.getByLabel(en.field_password);
		expect(await password.getAttribute('aria-invalid')).toBe('true');
		const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
		expect(await a.locator(`[id="${describedBy.split(' ').at(-1)}"]`).textContent()).toBe(en.error_password_too_short);
		expect(await a.getByLabel(en.field_email).inputValue()).toBe(mentee.email);
		expect(await a.getByLabel(en.field_display_name).inputValue()).toBe(mentee.displayName);
		expect(await password.inputValue()).toBe('');
		await expectNoAxeViolations(a, 'signup with errors');
	});

	it('someone under 18 cannot sign up as a mentor, and is told so next to the role choice', async () => {
		await a.getByLabel(en.field_password, { exact: true }).fill(mentee.password);
		await a.getByRole('radio', { name: en.role_mentor }).check();
		await a.getByLabel(en.field_birth_date).fill('2010-05-14');
		await a.getByLabel(en.field_country).selectOption('MA');
		await a.getByLabel(en.field_timezone).selectOption('Africa/Casablanca');
		await a.getByLabel(en.field_reading_language).selectOption('ar');
		await a.getByRole('button', { name: en.signup_submit }).click();

		await a.getByRole('alert').filter({ hasText: en.error_mentor_too_young }).waitFor();
		expect(new URL(a.url()).pathname).toBe('/signup');
		expect(await a.locator('#signup-role-error').textContent()).toBe(en.error_mentor_too_young);
		expect(await a.getByRole('radio', { name: en.role_mentor }).getAttribute('aria-describedby')).toContain('signup-role-error');
		// The summary's link goes to the role choice.
		expect(await a.getByRole('alert').getByRole('link', { name: `${en.field_role}: ${en.error_mentor_too_young}` }).getAttribute('href')).toBe('#signup-role');
		expect(await a.getByLabel(en.field_birth_date).inputValue()).toBe('2010-05-14');
		await expectNoAxeViolations(a, 'signup with an under-age mentor');
	});

	it('a new mentee signs up through the form and lands on an empty My spaces', async () => {
		await a.getByLabel(en.field_password, { exact: true }).fill(mentee.password);
		await a.getByRole('radio', { name: en.role_mentee }).check();
		await a.getByRole('button', { name: en.signup_submit }).click();

		await a.waitForURL(`${app.url}/spaces`);
		expect(await a.getByRole('heading', { level: 1 }).textContent()).toBe(en.spaces_heading);
		expect(await a.getByRole('heading', { name: en.spaces_empty_heading }).isVisible()).toBe(true);
		expect(await a.getByRole('link', { name: en.nav_admin }).count()).toBe(0);
		await expectNoAxeViolations(a, 'spaces (empty)');
	});

	it('editing the profile saves passions and bio and says so', async () => {
		await a.getByRole('navigation', { name: en.nav_label }).getByRole('link', { name: en.nav_profile }).click();
		await a.waitForURL(`${app.url}/profile`);
		await expectNoAxeViolations(a, 'profile');
		// The date of birth is shown, not editable: only the program team can correct it.
		expect(await a.locator('input[name="birthDate"]').count()).toBe(0);
		expect(await a.getByLabel(en.field_birth_date).count()).toBe(0);
		expect(await a.locator('#profile-birthDate').textContent()).toMatch(/14.*2010|2010.*14/);
		expect(await a.getByText(en.profile_birth_date_note).isVisible()).toBe(true);
		await a.getByLabel(en.field_passions).fill('drawing, football, Poetry');
		await a.getByLabel(en.field_bio).fill('I draw comics about my street.');
		await a.getByRole('button', { name: en.profile_save }).click();
		await a.getByRole('status').filter({ hasText: en.profile_saved }).waitFor();

		await a.reload();
		expect(await a.getByLabel(en.field_passions).inputValue()).toBe('drawing, football, poetry');
		expect(await a.getByLabel(en.field_bio).inputValue()).toBe('I draw comics about my street.');
		expect(await a.getByText(en.field_characters_count.replace('{count}', '30').replace('{max}', '500')).isVisible()).toBe(true);
	});

	it('a space can be created from My spaces, and it opens with its owner as the only member', async () => {
		await a.goto(`${app.url}/spaces`);
		await a.getByLabel(en.space_field_title).fill('Comics club');
		await a.getByRole('radio', { name: en.space_kind_pair }).check();
		await a.getByRole('button', { name: en.spaces_create_submit }).click();
		await a.waitForURL(/\/spaces\/[0-9a-f-]{36}$/);
		spaceUrl = a.url();

		expect(await a.getByRole('heading', { level: 1 }).textContent()).toBe('Comics club');
		const members = a.getByRole('list', { name: en.space_members_list }).getByRole('listitem');
		expect(await members.count()).toBe(1);
		expect(await members.first().textContent()).toContain(mentee.displayName);
		expect(await a.getByRole('region', { name: en.space_chat_heading }).getByRole('textbox', { name: en.chat_composer_label }).isVisible()).toBe(true);
		expect(await a.getByRole('region', { name: en.space_documents_heading }).getByText(en.docs_empty).isVisible()).toBe(true);
		await expectNoAxeViolations(a, 'space');
	});

	it('an invite link is created and shown ready to copy, with its expiry', async () => {
		// The owner may invite observers as well as members; the server's default expiry is preselected.
		expect(await a.getByRole('radio', { name: en.space_role_observer }).isVisible()).toBe(true);
		const expiry = a.getByLabel(en.invite_field_expiry);
		expect(await expiry.inputValue()).toBe('48');
		expect(await expiry.locator('option:checked').textContent()).toBe('2 days');
		await a.getByRole('radio', { name: en.invite_uses_single }).check();
		await a.getByLabel(en.invite_field_expiry).selectOption('168');
		await a.getByRole('button', { name: en.invite_submit }).click();
		const link = a.getByLabel(en.invite_link_label);
		await link.waitFor();
		inviteUrl = await link.inputValue();
		expect(inviteUrl).toMatch(new RegExp(`^${app.url}/invite/[A-Za-z0-9_-]{32}$`));
		expect(await link.getAttribute('readonly')).not.toBeNull();
		expect(await a.getByRole('button', { name: en.copy_button }).isVisible()).toBe(true);
		expect(await a.getByText(/^Expires on /).textContent()).toContain(en.invite_single_note);
		await expectNoAxeViolations(a, 'space with invite');
	});

	it('switching the header language to Arabic turns the whole page right-to-left and Arabic', async () => {
		await a.goto(`${app.url}/profile`);
		await a.getByLabel(en.language_label, { exact: true }).selectOption('ar');
		await a.getByRole('button', { name: en.language_apply_label }).click();
		await a.waitForFunction(() => document.documentElement.lang === 'ar');
		expect(await a.evaluate(() => document.documentElement.dir)).toBe('rtl');
		expect(await a.getByRole('heading', { level: 1 }).textContent()).toBe(ar.profile_heading);
		expect(await a.title()).toBe(ar.profile_title);
		await expectNoAxeViolations(a, 'profile (ar)');

		// The choice is saved on the profile, so it follows the person to every page.
		await a.goto(spaceUrl);
		expect(await a.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
		expect(await a.getByRole('heading', { name: ar.space_chat_heading }).isVisible()).toBe(true);
		await expectNoAxeViolations(a, 'space (ar)');

		await a.getByLabel(ar.language_label, { exact: true }).selectOption('en');
		await a.getByRole('button', { name: ar.language_apply_label }).click();
		await a.waitForFunction(() => document.documentElement.lang === 'en');
		expect(await a.evaluate(() => document.documentElement.dir)).toBe('ltr');
		expect(a.url()).toBe(spaceUrl);
	});

	it('a second person opens the invite, signs up from it, accepts and sees both members', async () => {
		const context = await newContext(browser, { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
		const b = await context.newPage();
		await b.goto(inviteUrl);
		// No account yet and a Spanish browser: the invite page explains in Spanish how to continue.
		expect(await b.evaluate(() => document.documentElement.lang)).toBe('es');
		expect(await b.getByText(es.invite_page_signed_out).isVisible()).toBe(true);
		await b.getByLabel(es.language_label, { exact: true }).selectOption('en');
		await b.getByRole('button', { name: es.language_apply_label }).click();
		await b.waitForFunction(() => document.documentElement.lang === 'en');
		expect(await b.getByRole('heading', { level: 1 }).textContent()).toBe('Comics club');
		await expectNoAxeViolations(b, 'invite (signed out)');

		await b.getByRole('main').getByRole('link', { name: en.invite_page_signup }).click();
		await b.waitForURL(/\/signup\?next=/);
		// With JavaScript the time zone starts as the browser's own.
		await b.waitForFunction(() => (document.getElementById('signup-timezone') as HTMLSelectElement).value === 'Europe/Madrid');
		await b.getByLabel(en.field_email).fill(mentor.email);
		await b.getByLabel(en.field_password).fill(mentor.password);
		await b.getByLabel(en.field_display_name).fill(mentor.displayName);
		await b.getByRole('radio', { name: en.role_mentor }).check();
		await b.getByLabel(en.field_birth_date).fill('1990-02-20');
		await b.getByLabel(en.field_country).selectOption('ES');
		await b.getByLabel(en.field_reading_language).selectOption('es');
		await b.getByRole('button', { name: en.signup_submit }).click();

		await b.waitForURL(inviteUrl);
		await expectNoAxeViolations(b, 'invite (signed in)');
		await b.getByRole('button', { name: en.invite_page_accept }).click();
		await b.waitForURL(spaceUrl);
		const members = b.getByRole('list', { name: en.space_members_list });
		expect(await members.getByText(mentee.displayName, { exact: true }).isVisible()).toBe(true);
		expect(await members.getByText(mentor.displayName).isVisible()).toBe(true);
		expect(await members.getByText('Morocco').isVisible()).toBe(true);
		expect(await members.getByText('Spain').isVisible()).toBe(true);
		// Names are isolated, so one written right to left cannot reorder the text around it.
		expect(await members.locator('bdi', { hasText: mentor.displayName }).count()).toBe(1);
		// A member may invite members, but only owners and supervisors may let observers in.
		expect(await b.getByRole('heading', { name: en.invite_heading }).isVisible()).toBe(true);
		expect(await b.getByRole('radio', { name: en.space_role_observer }).count()).toBe(0);
		expect(await b.getByText(en.invite_role_member_hint).isVisible()).toBe(true);

		// The first person reloads and sees the newcomer, shown as online while their page is open.
		await a.reload();
		const aMembers = a.getByRole('list', { name: en.space_members_list });
		expect(await aMembers.getByRole('listitem').count()).toBe(2);
		await aMembers.getByRole('listitem').filter({ hasText: mentor.displayName }).getByText(en.space_member_online).waitFor();
		await context.close();
	});

	it('an admin signs in with the keyboard alone and changes a role; the last admin cannot be demoted', async () => {
		const context = await newContext(browser);
		const page = await context.newPage();
		await page.goto(`${app.url}/signin`);
		await expectNoAxeViolations(page, 'signin');
		await tabTo(page, '#signin-email');
		await page.keyboard.type(admin.email);
		await page.keyboard.press('Tab');
		await page.keyboard.type(admin.password);
		await page.keyboard.press('Enter');
		await page.waitForURL(`${app.url}/spaces`);

		await page.getByRole('link', { name: en.nav_admin }).click();
		await page.waitForURL(`${app.url}/admin/users`);
		await expectNoAxeViolations(page, 'admin users');
		const rows = page.getByRole('table').getByRole('row');
		expect(await rows.count()).toBe(4);
		const menteeRow = rows.filter({ hasText: mentee.email });
		await menteeRow.getByLabel(`Role for ${mentee.displayName}`).selectOption('mentor');
		await menteeRow.getByRole('button', { name: en.admin_save_role }).click();
		await page.getByRole('status').filter({ hasText: `Changes for ${mentee.displayName} saved.` }).waitFor();

		const mentorRow = rows.filter({ hasText: mentor.email });
		await mentorRow.getByRole('button', { name: en.admin_suspend }).click();
		await mentorRow.getByText(en.admin_status_suspended, { exact: true }).waitFor();
		await mentorRow.getByRole('button', { name: en.admin_reactivate }).click();
		await mentorRow.getByText(en.admin_status_active, { exact: true }).waitFor();

		const selfRow = rows.filter({ hasText: admin.email });
		expect(await selfRow.getByRole('button', { name: en.admin_suspend }).count()).toBe(0);
		await selfRow.getByLabel(`Role for ${admin.displayName}`).selectOption('mentee');
		await selfRow.getByRole('button', { name: en.admin_save_role }).click();
		await page.getByRole('alert').filter({ hasText: en.error_last_admin }).waitFor();

		// The single-use invite was used by the second person: it says so instead of letting anyone else in.
		await page.goto(inviteUrl);
		expect(await page.getByText(en.invite_page_used_up).isVisible()).toBe(true);
		expect(await page.getByRole('button', { name: en.invite_page_accept }).count()).toBe(0);
		// A link that no longer works does not say which space it was for.
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en.invite_page_unavailable_heading);
		expect(await page.content()).not.toContain('Comics club');
		expect(await page.title()).toBe(en.invite_page_title_unavailable);
		await expectNoAxeViolations(page, 'invite (used up)');

		// Not a member of the mentee's space: it does not exist for the admin either.
		const res = await page.goto(spaceUrl);
		expect(res?.status()).toBe(404);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en.error_not_found_heading);
		await expectNoAxeViolations(page, '404');
		await context.close();
	});

	it('people who are not admins get a 404 for the admin pages', async () => {
		const res = await a.goto(`${app.url}/admin/users`);
		expect(res?.status()).toBe(404);
	});

	it('without JavaScript, signing in, spaces, invites, the profile, the language and leaving all still work', async () => {
		const context = await newContext(browser, { javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(`${app.url}/signin`);
		await page.getByLabel(en.field_email).fill(mentor.email);
		await page.getByLabel(en.field_password).fill(mentor.password);
		await page.getByRole('button', { name: en.signin_submit }).click();
		await page.waitForURL(`${app.url}/spaces`);
		expect(await page.getByRole('link', { name: 'Comics club' }).isVisible()).toBe(true);

		await page.getByLabel(en.space_field_title).fill('Night sketches');
		await page.getByRole('radio', { name: en.space_kind_collective }).check();
		await page.getByRole('button', { name: en.spaces_create_submit }).click();
		await page.waitForURL(/\/spaces\/[0-9a-f-]{36}$/);
		const sketches = page.url();
		await page.getByRole('button', { name: en.invite_submit }).click();
		await page.waitForLoadState('load');
		expect(await page.getByLabel(en.invite_link_label).inputValue()).toMatch(/\/invite\/[A-Za-z0-9_-]{32}$/);
		// Copying needs a script; without one the link is still there to select.
		expect(await page.getByRole('button', { name: en.copy_button }).count()).toBe(0);

		// Leaving asks for confirmation first: the box must be ticked.
		await page.getByRole('button', { name: en.space_leave_submit }).click();
		expect(new URL(page.url()).pathname).toBe(new URL(sketches).pathname);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Night sketches');
		await page.getByLabel(en.space_leave_confirm).check();
		await page.getByRole('button', { name: en.space_leave_submit }).click();
		await page.waitForURL(`${app.url}/spaces`);
		expect(await page.getByRole('link', { name: 'Night sketches' }).count()).toBe(0);

		await page.goto(`${app.url}/profile`);
		expect(await page.getByLabel(en.profile_language_n.replace('{n}', '3'), { exact: true }).count()).toBe(1);
		await page.getByLabel(en.field_bio).fill('Sketching at night, mostly owls.');
		await page.getByRole('button', { name: en.profile_save }).click();
		await page.waitForLoadState('load');
		expect(await page.getByRole('status').filter({ hasText: en.profile_saved }).isVisible()).toBe(true);

		await page.getByLabel(en.language_label, { exact: true }).selectOption('fr');
		await page.getByRole('button', { name: en.language_apply_label }).click();
		await page.waitForURL(`${app.url}/profile`);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
		expect(await page.getByLabel('À propos de moi').inputValue()).toBe('Sketching at night, mostly owls.');
		await context.close();
	});

	it('pages hydrate under the strict Content Security Policy without a single violation', async () => {
		const context = await browser.newContext({ timezoneId: 'America/Sao_Paulo' });
		const page = await context.newPage();
		const problems: string[] = [];
		page.on('console', (msg) => {
			if (msg.type() === 'error') problems.push(msg.text());
		});
		page.on('pageerror', (err) => problems.push(err.message));
		await page.goto(`${app.url}/signup`);
		// The time zone is preselected by the page's own script, so scripts ran.
		await page.waitForFunction(() => (document.getElementById('signup-timezone') as HTMLSelectElement).value === 'America/Sao_Paulo');
		await page.goto(app.url);
		expect(problems).toEqual([]);
		await context.close();
	});
});
