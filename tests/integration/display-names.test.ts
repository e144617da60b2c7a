import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { profiles, users } from '../../server/db/schema';
import { api, newUser, signUpBody } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();
const catalog = (locale: string) => JSON.parse(readFileSync(`${projectRoot}/messages/${locale}.json`, 'utf8')) as Record<string, string>;
const [en, es, ar] = [catalog('en'), catalog('es'), catalog('ar')];

/** The HTML escaping SvelteKit applies to text in a page. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A form posted the way a browser without JavaScript posts it: the answer is the page again. */
function postForm(url: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
	return api(url, path, {
		raw: new URLSearchParams(fields).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, accept: 'text/html', ...headers }
	});
}

describe.each(drivers)('display names carry no contact details and nothing the word lists stop (%s)', (driver) => {
	let server: TestServer;
	let url: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		await newUser(url); // the admin
	});
	afterAll(() => server?.close());

	it('sign-up over the API refuses a phone number in the display name, in the reader’s language, and creates nothing', async () => {
		const body = signUpBody({ displayName: 'Sam 0044 7700 900123' });
		const res = await api(url, '/api/v1/users', { body, headers: { 'accept-language': 'es' } });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('invalid_input');
		expect(res.body.error.fields.displayName).toEqual({ code: 'display_name_contact', message: es.error_display_name_contact });
		expect(await server.db.select().from(users).where(eq(users.email, body.email as string))).toEqual([]);
		// The same name without the number is fine.
		expect((await api(url, '/api/v1/users', { body: { ...body, displayName: 'Sam' } })).status).toBe(201);
	});

	it('a profile edit over the API refuses a handle or a messaging link and leaves the name as it was', async () => {
		const me = await newUser(url, { displayName: 'Ana' });
		for (const displayName of ['@ana_draws', 'Ana t.me/anadraws', 'ana (at) gmail (dot) com']) {
			const res = await api(url, '/api/v1/me', { method: 'PATCH', token: me.token, body: { displayName }, headers: { 'accept-language': 'ar' } });
			expect(res.status, displayName).toBe(400);
			expect(res.body.error.fields.displayName).toEqual({ code: 'display_name_contact', message: ar.error_display_name_contact });
		}
		const [profile] = await server.db.select().from(profiles).where(eq(profiles.userId, me.id));
		expect(profile!.displayName).toBe('Ana');
		expect((await api(url, '/api/v1/me', { method: 'PATCH', token: me.token, body: { displayName: 'Ana María' } })).status).toBe(200);
	});

	it('the sign-up and profile forms say why next to the field, without JavaScript', async () => {
		const body = signUpBody({ displayName: 'snap: sam.b' });
		const signup = await postForm(url, '/signup', Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])));
		expect(signup.status).toBe(400);
		expect(signup.text).toContain(html(en.error_display_name_contact!));
		expect(await server.db.select().from(users).where(eq(users.email, body.email as string))).toEqual([]);

		const me = await newUser(url, { displayName: 'Lina' });
		const profile = await postForm(
			url,
			'/profile?/profile',
			{ displayName: 'Lina wa.me/447700900123', country: 'GB', timezone: 'Europe/London', readingLanguage: 'en', bio: '', passions: '' },
			{ cookie: me.cookie }
		);
		expect(profile.status).toBe(400);
		expect(profile.text).toContain(html(en.error_display_name_contact!));
		const [row] = await server.db.select().from(profiles).where(eq(profiles.userId, me.id));
		expect(row!.displayName).toBe('Lina');
	});

	it('sign-up and profile edits over the API refuse a display name on the word lists, held or blocked alike, and keep the name as it was', async () => {
		// A blocked slur, a held insult, and a phrase held only where minors are: display names reach minors everywhere.
		for (const displayName of ['Slut Queen', 'Dickhead', 'How old are you']) {
			const body = signUpBody({ displayName });
			const res = await api(url, '/api/v1/users', { body, headers: { 'accept-language': 'es' } });
			expect(res.status, displayName).toBe(400);
			expect(res.body.error.fields.displayName).toEqual({ code: 'display_name_not_allowed', message: es.error_display_name_not_allowed });
			expect(await server.db.select().from(users).where(eq(users.email, body.email as string))).toEqual([]);
		}

		const me = await newUser(url, { displayName: 'Cass' });
		const res = await api(url, '/api/v1/me', { method: 'PATCH', token: me.token, body: { displayName: 'Cass the asshole' }, headers: { 'accept-language': 'ar' } });
		expect(res.status).toBe(400);
		expect(res.body.error.fields.displayName).toEqual({ code: 'display_name_not_allowed', message: ar.error_display_name_not_allowed });
		const [profile] = await server.db.select().from(profiles).where(eq(profiles.userId, me.id));
		expect(profile!.displayName).toBe('Cass');
		// Names that only contain a listed word inside another word are fine.
		expect((await api(url, '/api/v1/me', { method: 'PATCH', token: me.token, body: { displayName: 'Cassandra Glass' } })).status).toBe(200);
		// Other profile changes do not re-judge the name.
		expect((await api(url, '/api/v1/me', { method: 'PATCH', token: me.token, body: { bio: 'I like robots' } })).status).toBe(200);
	});

	it('the sign-up and profile forms refuse a display name on the word lists next to the field', async () => {
		const body = signUpBody({ displayName: 'Our little secret' });
		const signup = await postForm(url, '/signup', Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])));
		expect(signup.status).toBe(400);
		expect(signup.text).toContain(html(en.error_display_name_not_allowed!));
		expect(await server.db.select().from(users).where(eq(users.email, body.email as string))).toEqual([]);

		const me = await newUser(url, { displayName: 'Noor' });
		const profile = await postForm(
			url,
			'/profile?/profile',
			{ displayName: 'Noor fucking rules', country: 'GB', timezone: 'Europe/London', readingLanguage: 'en', bio: '', passions: '' },
			{ cookie: me.cookie }
		);
		expect(profile.status).toBe(400);
		expect(profile.text).toContain(html(en.error_display_name_not_allowed!));
		const [row] = await server.db.select().from(profiles).where(eq(profiles.userId, me.id));
		expect(row!.displayName).toBe('Noor');
	});
});
