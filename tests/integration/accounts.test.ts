import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { count, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { profiles, sessions, users } from '../../server/db/schema';
import type { Me } from '../../server/accounts';
import { api, BIRTH_DATE, createSpace, joinSpace, newUser, PASSWORD, signIn, signUp, signUpBody, uniqueEmail, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';

const drivers = await availableDrivers();
const es = JSON.parse(readFileSync(`${projectRoot}/messages/es.json`, 'utf8')) as Record<string, string>;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Set-Cookie attributes, lower-cased, without the name=value pair. */
function cookieAttributes(setCookie: string): string[] {
	return setCookie
		.split(';')
		.slice(1)
		.map((a) => a.trim().toLowerCase());
}

describe.each(drivers)('accounts (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	/** The accounts signed up at the same moment on the empty server. */
	let firstOnes: Me[];
	/** Whichever of those became admin, signed in. */
	let admin: TestUser;

	beforeAll(async () => {
		// Behind a trusted proxy, so one test can show X-Forwarded-Proto: https making the cookie Secure.
		server = await startTestServer({ db: driver, config: { trustProxy: true } });
		url = server.url;
		const racers = await signUpAtOnce(['mentor', 'mentee', 'mentor', 'mentee']);
		firstOnes = racers.map((r) => r.user);
		const winner = racers.find((r) => r.user.role === 'admin') ?? racers[0]!;
		admin = { ...(await signIn(url, winner)), id: winner.user.id, email: winner.email, password: winner.password };
	});
	afterAll(() => server?.close());

	/**
	 * Signs people up at the same moment on the empty server. On PostgreSQL, a SHARE lock on `users` held from
	 * outside until every sign-up transaction is waiting makes them truly overlap, instead of hoping the
	 * scheduler interleaves them. (PGlite has one connection; its transactions cannot overlap.)
	 */
	async function signUpAtOnce(roles: string[]) {
		if (driver !== 'postgres') return Promise.all(roles.map((role) => signUp(url, { role })));
		const outside = postgres(server.app.config.databaseUrl!, { max: 1, onnotice: () => {} });
		try {
			let racing!: Promise<Awaited<ReturnType<typeof signUp>>[]>;
			await outside.begin(async (tx) => {
				await tx`lock table users in share mode`;
				racing = Promise.all(roles.map((role) => signUp(url, { role })));
				racing.catch(() => {});
				await waitFor(
					async () => {
						// Activity statistics are a snapshot per transaction unless cleared.
						await tx`select pg_stat_clear_snapshot()`;
						const [row] = await tx`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
						return row!.n >= roles.length;
					},
					{ timeoutMs: 20_000, what: 'every sign-up waiting on the lock' }
				);
			});
			return await racing;
		} finally {
			await outside.end();
		}
	}

	async function rowCount(table: typeof users | typeof profiles): Promise<number> {
		const [row] = await server.db.select({ n: count() }).from(table);
		return Number(row!.n);
	}

	const me = (auth: { token?: string; cookie?: string }) => api(url, '/api/v1/me', auth);

	describe('sign-up', () => {
		it('the first account becomes admin, even when several sign up at once; the others keep the role they chose', async () => {
			expect(firstOnes.filter((u) => u.role === 'admin')).toHaveLength(1);
			firstOnes.forEach((u, i) => u.role === 'admin' || expect(u.role).toBe(i % 2 ? 'mentee' : 'mentor'));
			expect(admin.user.role).toBe('admin');
			expect((await signUp(url, { role: 'mentor' })).user.role).toBe('mentor');
			expect((await signUp(url, { role: 'mentee' })).user.role).toBe('mentee');
		});

		it('returns 201 with the user and profile, the email lower-cased, and no password hash', async () => {
			const email = `Mixed.Case-${crypto.randomUUID()}@Example.ORG`;
			const res = await api(url, '/api/v1/users', { body: signUpBody({ email, displayName: '  Ana  ', country: 'br', readingLanguage: 'pt-br' }) });
			expect(res.status).toBe(201);
			expect(res.body.user).toMatchObject({
				id: expect.any(String),
				email: email.toLowerCase(),
				role: 'mentee',
				status: 'active',
				profile: {
					displayName: 'Ana',
					country: 'BR',
					timezone: 'Europe/London',
					readingLanguage: 'pt-BR',
					languages: [{ tag: 'pt-BR', level: 'native' }],
					passions: [],
					birthDate: BIRTH_DATE
				}
			});
			expect(res.text).not.toMatch(/argon2|passwordHash|password/i);
			const [row] = await server.db.select().from(users).where(eq(users.id, res.body.user.id));
			expect(row!.email).toBe(email.toLowerCase());
		});

		it('nobody can sign up as admin', async () => {
			const res = await api(url, '/api/v1/users', { body: signUpBody({ role: 'admin' }) });
			expect(res.status).toBe(400);
			expect(res.body.error.fields.role.code).toBe('role_invalid');
		});

		it('a duplicate email in another case gets 409 email_taken and writes neither a user nor a profile', async () => {
			const { email } = await signUp(url);
			const before = { users: await rowCount(users), profiles: await rowCount(profiles) };
			const res = await api(url, '/api/v1/users', { body: signUpBody({ email: email.toUpperCase(), displayName: 'Second' }) });
			expect(res.status).toBe(409);
			expect(res.body.error).toMatchObject({ code: 'email_taken', fields: { email: { code: 'email_taken' } } });
			expect({ users: await rowCount(users), profiles: await rowCount(profiles) }).toEqual(before);
		});

		it('an invalid sign-up gets 400 invalid_input with a code per field, in Spanish when asked', async () => {
			const bad = signUpBody({
				email: 'not-an-email',
				password: 'short',
				displayName: undefined,
				birthDate: new Date().toISOString().slice(0, 10),
				country: 'XX',
				timezone: 'Mars/Olympus',
				readingLanguage: 'not a language tag!'
			});
			const before = await rowCount(users);
			const en = await api(url, '/api/v1/users', { body: bad, headers: { 'accept-language': 'en' } });
			expect(en.status).toBe(400);
			expect(en.body.error.code).toBe('invalid_input');
			const codes = Object.fromEntries(Object.entries(en.body.error.fields as Record<string, { code: string }>).map(([k, v]) => [k, v.code]));
			expect(codes).toEqual({
				email: 'email_invalid',
				password: 'password_too_short',
				displayName: 'required',
				birthDate: 'too_young',
				country: 'country_invalid',
				timezone: 'timezone_invalid',
				readingLanguage: 'language_invalid'
			});

			const spanish = await api(url, '/api/v1/users', { body: bad, headers: { 'accept-language': 'es-MX,es;q=0.9' } });
			expect(spanish.status).toBe(400);
			expect(spanish.body.error.message).toBe(es.error_invalid_input);
			expect(spanish.body.error.message).not.toBe(en.body.error.message);
			expect(spanish.body.error.fields.email.message).toBe(es.error_email_invalid);
			expect(spanish.body.error.fields.email.message).not.toBe(en.body.error.fields.email.message);
			expect(await rowCount(users)).toBe(before);
		});
	});

	describe('sign-in and sessions', () => {
		it('sign-in returns the token and user, and sets an HttpOnly SameSite=Lax cookie that is not Secure over http', async () => {
			const { email, password, user } = await signUp(url);
			const res = await api(url, '/api/v1/sessions', { body: { email: email.toUpperCase(), password } });
			expect(res.status).toBe(201);
			expect(res.body).toMatchObject({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), user: { id: user.id, email } });
			const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_session='))!;
			expect(setCookie.split(';')[0]).toBe(`tessera_session=${res.body.token}`);
			const attrs = cookieAttributes(setCookie);
			expect(attrs).toContain('httponly');
			expect(attrs).toContain('samesite=lax');
			expect(attrs).toContain('path=/');
			expect(attrs).not.toContain('secure');
		});

		it('behind a trusted proxy that forwarded https, the cookie is Secure', async () => {
			const { email, password } = await signUp(url);
			const session = await signIn(url, { email, password }, { 'x-forwarded-proto': 'https' });
			expect(cookieAttributes(session.setCookie)).toContain('secure');
		});

		it('GET /api/v1/me answers with the bearer token, with the cookie, and 401 without either', async () => {
			const u = await newUser(url);
			const viaBearer = await me({ token: u.token });
			expect(viaBearer.status).toBe(200);
			expect(viaBearer.body.user).toMatchObject({ id: u.id, email: u.email });
			const viaCookie = await me({ cookie: u.cookie });
			expect(viaCookie.status).toBe(200);
			expect(viaCookie.body.user.id).toBe(u.id);
			const anonymous = await me({});
			expect(anonymous.status).toBe(401);
			expect(anonymous.body.error.code).toBe('unauthorized');
		});

		it('a wrong password gets 401 bad_credentials, and an unknown email gets exactly the same answer', async () => {
			const { email } = await signUp(url);
			const wrong = await api(url, '/api/v1/sessions', { body: { email, password: 'not the password at all' } });
			const unknown = await api(url, '/api/v1/sessions', { body: { email: uniqueEmail(), password: 'not the password at all' } });
			expect(wrong.status).toBe(401);
			expect(wrong.body.error.code).toBe('bad_credentials');
			expect(unknown.status).toBe(wrong.status);
			expect(unknown.text).toBe(wrong.text);
			expect(wrong.headers.getSetCookie().filter((c) => c.startsWith('tessera_session=') && !/max-age=0|expires=thu, 01 jan 1970/i.test(c))).toEqual([]);
		});

		it('signing out makes that token useless and leaves the other sessions alone', async () => {
			const u = await newUser(url);
			const other = await signIn(url, u);
			const out = await api(url, '/api/v1/sessions/current', { method: 'DELETE', token: u.token });
			expect(out.status).toBe(204);
			expect((await me({ token: u.token })).status).toBe(401);
			expect((await me({ cookie: u.cookie })).status).toBe(401);
			expect((await me({ token: other.token })).status).toBe(200);
		});

		it('signing out everywhere ends every session of that user and no one else', async () => {
			const u = await newUser(url);
			const second = await signIn(url, u);
			const stranger = await newUser(url);
			const out = await api(url, '/api/v1/sessions', { method: 'DELETE', token: u.token });
			expect(out.status).toBe(204);
			expect((await me({ token: u.token })).status).toBe(401);
			expect((await me({ token: second.token })).status).toBe(401);
			expect((await me({ token: stranger.token })).status).toBe(200);
			const [left] = await server.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, u.id));
			expect(Number(left!.n)).toBe(0);
		});

		it('changing the password needs the current one, ends the other sessions and keeps this one', async () => {
			const u = await newUser(url);
			const other = await signIn(url, u);
			const newPassword = 'a completely new passphrase';

			const wrong = await api(url, '/api/v1/me/password', { method: 'PUT', token: u.token, body: { currentPassword: 'not my password', newPassword } });
			expect(wrong.status).toBe(400);
			expect(wrong.body.error).toMatchObject({ code: 'wrong_password', fields: { currentPassword: { code: 'wrong_password' } } });
			expect((await me({ token: other.token })).status).toBe(200);

			const ok = await api(url, '/api/v1/me/password', { method: 'PUT', token: u.token, body: { currentPassword: PASSWORD, newPassword } });
			expect(ok.status).toBe(204);
			expect((await me({ token: u.token })).status).toBe(200);
			expect((await me({ token: other.token })).status).toBe(401);
			expect((await api(url, '/api/v1/sessions', { body: { email: u.email, password: PASSWORD } })).status).toBe(401);
			expect((await api(url, '/api/v1/sessions', { body: { email: u.email, password: newPassword } })).status).toBe(201);
		});

		it('session tokens are stored only as their SHA-256 hash', async () => {
			const u = await newUser(url);
			const rows = await server.db.select().from(sessions);
			expect(rows.map((r) => r.id)).toContain(sha256(u.token));
			expect(JSON.stringify(rows)).not.toContain(u.token);
			const dump = await server.db.execute(sql`select * from sessions`);
			expect(JSON.stringify(dump)).not.toContain(u.token);
		});

		it('a session idle past the idle timeout is rejected and its row removed', async () => {
			const u = await newUser(url);
			const idleMinutes = server.app.config.sessionIdleMinutes;
			await server.db
				.update(sessions)
				.set({ lastSeenAt: new Date(Date.now() - (idleMinutes + 1) * 60_000) })
				.where(eq(sessions.id, sha256(u.token)));
			const res = await me({ token: u.token });
			expect(res.status).toBe(401);
			expect(await server.db.select().from(sessions).where(eq(sessions.id, sha256(u.token)))).toEqual([]);
		});

		it('a session past its absolute lifetime is rejected even while in use', async () => {
			const u = await newUser(url);
			await server.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, sha256(u.token)));
			expect((await me({ token: u.token })).status).toBe(401);
			expect(await server.db.select().from(sessions).where(eq(sessions.id, sha256(u.token)))).toEqual([]);
		});
	});

	describe('administration', () => {
		it('a non-admin gets 403 on the users list and on changing a user, and nothing changes', async () => {
			const u = await newUser(url);
			const target = await newUser(url);
			const list = await api(url, '/api/v1/users', { token: u.token });
			expect(list.status).toBe(403);
			expect(list.body.error.code).toBe('forbidden');
			for (const body of [{ role: 'admin' }, { suspended: true }]) {
				const res = await api(url, `/api/v1/users/${target.id}`, { method: 'PATCH', token: u.token, body });
				expect(res.status).toBe(403);
			}
			const self = await api(url, `/api/v1/users/${u.id}`, { method: 'PATCH', token: u.token, body: { role: 'admin' } });
			expect(self.status).toBe(403);
			expect((await me({ token: target.token })).body.user).toMatchObject({ role: 'mentee', status: 'active' });
			expect((await me({ token: u.token })).body.user.role).toBe('mentee');
		});

		it('an admin can change a role', async () => {
			const target = await newUser(url);
			const res = await api(url, `/api/v1/users/${target.id}`, { method: 'PATCH', token: admin.token, body: { role: 'moderator' } });
			expect(res.status).toBe(200);
			expect(res.body.user).toMatchObject({ id: target.id, role: 'moderator' });
			expect((await me({ token: target.token })).body.user.role).toBe('moderator');
		});

		it('the last admin cannot be demoted (409 last_admin) until another admin exists', async () => {
			const alone = await api(url, `/api/v1/users/${admin.id}`, { method: 'PATCH', token: admin.token, body: { role: 'mentor' } });
			expect(alone.status).toBe(409);
			expect(alone.body.error.code).toBe('last_admin');
			expect((await me({ token: admin.token })).body.user.role).toBe('admin');

			const second = await newUser(url);
			const promoted = await api(url, `/api/v1/users/${second.id}`, { method: 'PATCH', token: admin.token, body: { role: 'admin' } });
			expect(promoted.status).toBe(200);
			const stepDown = await api(url, `/api/v1/users/${second.id}`, { method: 'PATCH', token: second.token, body: { role: 'mentor' } });
			expect(stepDown.status).toBe(200);
			expect(stepDown.body.user.role).toBe('mentor');

			const againAlone = await api(url, `/api/v1/users/${admin.id}`, { method: 'PATCH', token: admin.token, body: { role: 'mentor' } });
			expect(againAlone.status).toBe(409);
		});

		it('an admin cannot suspend themselves, so the last admin can never be suspended', async () => {
			// Suspending another admin needs an active admin doing it, so self-suspension is the only way to lose the last one.
			const res = await api(url, `/api/v1/users/${admin.id}`, { method: 'PATCH', token: admin.token, body: { suspended: true } });
			expect(res.status).toBe(400);
			expect((await me({ token: admin.token })).body.user).toMatchObject({ role: 'admin', status: 'active' });
		});

		it('a suspended account cannot sign in; once unsuspended it can', async () => {
			const u = await newUser(url);
			const patch = (suspended: boolean) => api(url, `/api/v1/users/${u.id}`, { method: 'PATCH', token: admin.token, body: { suspended } });
			expect((await patch(true)).body.user.status).toBe('suspended');
			expect((await api(url, '/api/v1/sessions', { body: { email: u.email, password: u.password } })).status).toBe(403);
			expect((await patch(false)).body.user.status).toBe('active');
			expect((await api(url, '/api/v1/sessions', { body: { email: u.email, password: u.password } })).status).toBe(201);
		});

		it('an unknown or malformed user id gets 404', async () => {
			for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
				const res = await api(url, `/api/v1/users/${id}`, { method: 'PATCH', token: admin.token, body: { role: 'mentor' } });
				expect(res.status, id).toBe(404);
			}
		});
	});

	describe('profile', () => {
		it('a bad time zone gets 400 timezone_invalid and nothing in the request is saved', async () => {
			const u = await newUser(url, { displayName: 'Before' });
			const res = await api(url, '/api/v1/me', { method: 'PATCH', token: u.token, body: { displayName: 'After', timezone: 'Europe/Atlantis' } });
			expect(res.status).toBe(400);
			expect(res.body.error).toMatchObject({ code: 'invalid_input', fields: { timezone: { code: 'timezone_invalid' } } });
			expect((await me({ token: u.token })).body.user.profile).toMatchObject({ displayName: 'Before', timezone: 'Europe/London' });
		});

		it('good values are saved canonically: language tags canonicalised, passions lower-cased and deduplicated', async () => {
			const u = await newUser(url);
			const res = await api(url, '/api/v1/me', {
				method: 'PATCH',
				token: u.token,
				body: {
					displayName: '  Renamed  ',
					timezone: 'America/Sao_Paulo',
					readingLanguage: 'PT-br',
					languages: [
						{ tag: 'pt-br', level: 'fluent' },
						{ tag: 'EN', level: 'native' }
					],
					passions: ['Music', ' music ', 'CHESS', 'Chess']
				}
			});
			expect(res.status).toBe(200);
			const expected = {
				displayName: 'Renamed',
				timezone: 'America/Sao_Paulo',
				readingLanguage: 'pt-BR',
				languages: [
					{ tag: 'pt-BR', level: 'fluent' },
					{ tag: 'en', level: 'native' }
				],
				passions: ['music', 'chess']
			};
			expect(res.body.user.profile).toMatchObject(expected);
			expect((await me({ token: u.token })).body.user.profile).toMatchObject(expected);
		});

		it('choosing Spanish as the interface language makes the API answer in Spanish, whatever the browser says', async () => {
			const u = await newUser(url);
			const set = await api(url, '/api/v1/me', { method: 'PATCH', token: u.token, body: { uiLanguage: 'es' } });
			expect(set.status).toBe(200);
			expect(set.body.user.profile.uiLanguage).toBe('es');
			const bad = await api(url, '/api/v1/me', { method: 'PATCH', token: u.token, body: { timezone: 'Nowhere/Town' }, headers: { 'accept-language': 'en' } });
			expect(bad.status).toBe(400);
			expect(bad.body.error.message).toBe(es.error_invalid_input);
			expect(bad.body.error.fields.timezone.message).toBe(es.error_timezone_invalid);
		});

		it('the birth date and gender never appear in the admin users list or in a space member list', async () => {
			const secretBirthDate = '1987-11-23';
			const u = await newUser(url, { birthDate: secretBirthDate, gender: 'unusual-gender-marker' });
			const list = await api(url, '/api/v1/users', { token: admin.token });
			expect(list.status).toBe(200);
			const entry = (list.body.users as { id: string }[]).find((x) => x.id === u.id);
			expect(entry).toBeDefined();
			expect(entry).not.toHaveProperty('birthDate');
			expect(list.text).not.toContain(secretBirthDate);
			expect(list.text).not.toContain('unusual-gender-marker');

			const owner = await newUser(url);
			const spaceId = await createSpace(url, owner);
			await joinSpace(url, owner, u, spaceId);
			for (const who of [owner, u]) {
				const space = await api(url, `/api/v1/spaces/${spaceId}`, { token: who.token });
				expect(space.status).toBe(200);
				expect((space.body.members as { userId: string }[]).map((m) => m.userId)).toContain(u.id);
				expect(space.text).not.toContain(secretBirthDate);
				expect(space.text).not.toContain('unusual-gender-marker');
				expect(space.text).not.toContain('birthDate');
			}
		});
	});
});
