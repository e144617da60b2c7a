import { count, eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spaces, users } from '../../server/db/schema';
import { api, createSpace, newUser, PASSWORD, signUpBody, uniqueEmail } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';
import { nextEvent } from '../helpers/wait';

const drivers = await availableDrivers();
const BODY_LIMIT = 10 * 1024;

describe.each(drivers)('HTTP edge (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	// Every log line this server writes, at debug level, for the "no secrets in logs" test.
	const logs: string[] = [];
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { bodySizeLimit: BODY_LIMIT, logLevel: 'debug', logDestination: { write: (line: string) => void logs.push(line) } }
		});
		url = server.url;
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	async function spaceTitles(token: string): Promise<string[]> {
		const res = await api(url, '/api/v1/spaces', { token });
		return (res.body.spaces as { title: string }[]).map((s) => s.title);
	}

	async function usersWithEmail(email: string): Promise<number> {
		const [row] = await server.db.select({ n: count() }).from(users).where(eq(users.email, email));
		return Number(row!.n);
	}

	it(`GET /healthz reports ok, the version and the ${driver} database`, async () => {
		const res = await api(url, '/healthz');
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), database: driver, scale: 'single', node: expect.any(String) });
	});

	it('an unknown API path answers a JSON 404 not_found, for reads and writes', async () => {
		for (const method of ['GET', 'POST', 'DELETE']) {
			const res = await api(url, '/api/v1/nope', { method });
			expect(res.status, method).toBe(404);
			expect(res.headers.get('content-type')).toMatch(/^application\/json/);
			expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
			expect(res.body.error.message).not.toBe('not_found');
		}
	});

	it('a method an API path does not support answers a JSON 405 with Allow', async () => {
		const res = await api(url, '/api/v1/spaces', { method: 'PUT', raw: '{}', headers: { 'content-type': 'application/json' } });
		expect(res.status).toBe(405);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.body).toEqual({ error: { code: 'method_not_allowed', message: expect.any(String) } });
		expect(res.headers.get('allow')).toMatch(/GET/);
	});

	it('a POST whose body is not JSON gets 415 unsupported_media_type', async () => {
		const xml = await api(url, '/api/v1/sessions', { raw: '<x/>', headers: { 'content-type': 'application/xml' } });
		expect(xml.status).toBe(415);
		expect(xml.body.error.code).toBe('unsupported_media_type');
		// A form-encoded post from the same origin passes SvelteKit's form CSRF check and still is not JSON.
		const form = await api(url, '/api/v1/sessions', {
			raw: 'email=a%40b.org&password=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }
		});
		expect(form.status).toBe(415);
		expect(form.body.error.code).toBe('unsupported_media_type');
	});

	it('malformed JSON gets 400 invalid_json', async () => {
		const res = await api(url, '/api/v1/sessions', { raw: '{"email": "a@b.org", ', headers: { 'content-type': 'application/json' } });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe('invalid_json');
	});

	it('a body over the size limit gets 413 and nothing is stored, with or without a content-length', async () => {
		// Valid sign-ups padded with JSON whitespace: the same body under the limit creates an account.
		const padded = (email: string, size: number) => {
			const json = JSON.stringify(signUpBody({ email }));
			return json.slice(0, -1) + ' '.repeat(size - json.length) + '}';
		};
		const under = uniqueEmail();
		const ok = await api(url, '/api/v1/users', { raw: padded(under, BODY_LIMIT - 100), headers: { 'content-type': 'application/json' } });
		expect(ok.status).toBe(201);
		expect(await usersWithEmail(under)).toBe(1);

		const sized = uniqueEmail();
		const withLength = await api(url, '/api/v1/users', { raw: padded(sized, BODY_LIMIT + 100), headers: { 'content-type': 'application/json' } });
		expect(withLength.status).toBe(413);
		expect(withLength.body).toMatchObject({ error: { code: 'payload_too_large' } });

		const chunked = uniqueEmail();
		const bytes = new TextEncoder().encode(padded(chunked, BODY_LIMIT * 3));
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
				controller.close();
			}
		});
		const res = await fetch(`${url}/api/v1/users`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: stream,
			duplex: 'half'
		} as RequestInit & { duplex: 'half' });
		expect(res.headers.get('content-length')).not.toBe(String(bytes.length));
		expect(res.status).toBe(413);
		expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } });

		expect(await usersWithEmail(sized)).toBe(0);
		expect(await usersWithEmail(chunked)).toBe(0);
	});

	describe('CSRF on cookie-authenticated writes', () => {
		it('a sign-in from a cross-site Origin gets 403 csrf and sets no cookie (login CSRF)', async () => {
			const me = await newUser(url);
			const res = await api(url, '/api/v1/sessions', { body: { email: me.email, password: me.password }, headers: { origin: 'http://evil.example' } });
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe('csrf');
			expect(res.headers.getSetCookie()).toEqual([]);
		});

		it('a cross-site Origin gets 403 csrf and no space is created', async () => {
			const me = await newUser(url);
			const res = await api(url, '/api/v1/spaces', {
				cookie: me.cookie,
				body: { title: 'cross-site', kind: 'pair' },
				headers: { origin: 'http://evil.example' }
			});
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe('csrf');
			expect(await spaceTitles(me.token)).not.toContain('cross-site');
		});

		it('a cookie without any Origin gets 403 and no space is created', async () => {
			const me = await newUser(url);
			const res = await api(url, '/api/v1/spaces', { cookie: me.cookie, body: { title: 'no-origin', kind: 'pair' } });
			expect(res.status).toBe(403);
			expect(res.body.error.code).toBe('csrf');
			expect(await spaceTitles(me.token)).toEqual([]);
		});

		it('a cookie with the same Origin creates the space', async () => {
			const me = await newUser(url);
			const res = await api(url, '/api/v1/spaces', { cookie: me.cookie, body: { title: 'same-origin', kind: 'pair' }, headers: { origin: url } });
			expect(res.status).toBe(201);
			expect(await spaceTitles(me.token)).toEqual(['same-origin']);
		});

		it('a bearer token without Origin creates the space (no ambient credential to abuse)', async () => {
			const me = await newUser(url);
			const res = await api(url, '/api/v1/spaces', { token: me.token, body: { title: 'bearer', kind: 'pair' } });
			expect(res.status).toBe(201);
			const [row] = await server.db.select({ n: count() }).from(spaces).where(eq(spaces.createdBy, me.id));
			expect(Number(row!.n)).toBe(1);
		});
	});

	it('responses carry security headers and no x-powered-by', async () => {
		const page = await fetch(`${url}/`);
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		const csp = page.headers.get('content-security-policy') ?? '';
		expect(csp).toContain("default-src 'self'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		for (const res of [page, await fetch(`${url}/api/v1/nope`)]) {
			expect(res.headers.get('x-content-type-options')).toBe('nosniff');
			expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
			expect(res.headers.has('x-powered-by')).toBe(false);
		}
	});

	it('without trustProxy, a client-sent X-Forwarded-Proto: https is ignored: no Secure cookie, no HSTS', async () => {
		const { email } = await newUser(url);
		const res = await api(url, '/api/v1/sessions', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
		expect(res.status).toBe(201);
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tessera_session='))!;
		expect(cookie.toLowerCase()).not.toMatch(/;\s*secure/);
		expect(res.headers.has('strict-transport-security')).toBe(false);
	});

	it('responses to a signed-in person are not cached', async () => {
		const me = await newUser(url);
		const res = await api(url, '/api/v1/me', { token: me.token });
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('private, no-store');
	});

	it('the logs never contain a password, token or session cookie', async () => {
		const firstLine = logs.length;
		const me = await newUser(url);
		const wrongPassword = 'not the right password 42';
		const bad = await api(url, '/api/v1/sessions', { body: { email: me.email, password: wrongPassword } });
		expect(bad.status).toBe(401);
		const unknown = await api(url, '/api/v1/sessions', { body: { email: uniqueEmail(), password: wrongPassword } });
		expect(unknown.status).toBe(401);
		const socket = await sockets.connect(url, { token: me.token });
		await socket.timeout(2_000).emitWithAck('space:join', { spaceId: crypto.randomUUID() });
		const spaceId = await createSpace(url, me);
		const doc = await api(url, `/api/v1/spaces/${spaceId}/documents`, { method: 'POST', token: me.token, body: { kind: 'text', title: 'Notes' } });
		const ws = new WebSocket(`${url.replace('http', 'ws')}/yjs/${doc.body.id}?token=${me.token}`);
		await nextEvent(ws, 'message');
		ws.close();
		await nextEvent(ws, 'close');
		const newPassword = 'a brand new passphrase 7';
		const changed = await api(url, '/api/v1/me/password', { method: 'PUT', token: me.token, body: { currentPassword: PASSWORD, newPassword } });
		expect(changed.status).toBe(204);

		const written = logs.slice(firstLine).join('');
		// The capture works: the actions above were logged, with the user's id.
		expect(written).toContain('"msg":"signed in"');
		expect(written).toContain('"msg":"sign-in failed"');
		expect(written).toContain('"msg":"socket connected"');
		expect(written).toContain('"msg":"password changed"');
		expect(written).toContain(me.id);
		const all = logs.join('');
		for (const secret of [PASSWORD, wrongPassword, newPassword, me.token, me.cookie.split('=')[1]!]) {
			expect(all).not.toContain(secret);
		}
	});
});
