import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signUpBody } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();
const MAX_PER_ACCOUNT = 3;
const MAX_PER_IP = 6;
const SIGNUPS_PER_IP = 4;

interface Reply {
	status: number;
	retryAfter: string | undefined;
	body: { error?: { code: string } } & Record<string, unknown>;
}

/**
 * A JSON POST sent from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo), so each test can
 * be a different client IP and the per-IP counters of one shared server do not leak between tests.
 */
function postFrom(ip: string, url: string, path: string, body: unknown): Promise<Reply> {
	const payload = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = request(
			new URL(path, url),
			{ method: 'POST', localAddress: ip, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => (text += chunk));
				res.on('end', () => {
					const retryAfter = res.headers['retry-after'];
					resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, body: JSON.parse(text) });
				});
			}
		);
		req.on('error', reject);
		req.end(payload);
	});
}

describe.each(drivers)('login rate limits (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let nextIp = 10;
	/** A fresh client address for each use. */
	const freshIp = () => `127.0.0.${nextIp++}`;

	beforeAll(async () => {
		server = await startTestServer({
			db: driver,
			config: { loginMaxPerAccount: MAX_PER_ACCOUNT, loginMaxPerIp: MAX_PER_IP, signUpsPerIpPerHour: SIGNUPS_PER_IP }
		});
		url = server.url;
	});
	afterAll(() => server?.close());

	async function account(): Promise<{ email: string; password: string }> {
		const body = signUpBody();
		const res = await postFrom(freshIp(), url, '/api/v1/users', body);
		expect(res.status).toBe(201);
		return { email: body.email as string, password: PASSWORD };
	}
	const signInFrom = (ip: string, email: string, password: string) => postFrom(ip, url, '/api/v1/sessions', { email, password });

	function expectLimited(res: Reply, windowSeconds = server.app.config.loginWindowSeconds) {
		expect(res.status).toBe(429);
		expect(res.body.error?.code).toBe('rate_limited');
		expect(res.retryAfter).toMatch(/^\d+$/);
		expect(Number(res.retryAfter)).toBeGreaterThan(0);
		expect(Number(res.retryAfter)).toBeLessThanOrEqual(windowSeconds);
	}

	it(`after ${MAX_PER_ACCOUNT} failed sign-ins the account is locked, even with the right password, while another account from the same IP still signs in`, async () => {
		const victim = await account();
		const neighbour = await account();
		const ip = freshIp();
		for (let i = 0; i < MAX_PER_ACCOUNT; i++) {
			expect((await signInFrom(ip, victim.email, 'a wrong password guess')).status).toBe(401);
		}
		expectLimited(await signInFrom(ip, victim.email, victim.password));
		// The lock is on the account, not on where the guesses came from.
		expectLimited(await signInFrom(freshIp(), victim.email, victim.password));
		expect((await signInFrom(ip, neighbour.email, neighbour.password)).status).toBe(201);
	});

	it('a successful sign-in clears the failures counted against the account', async () => {
		const user = await account();
		const ip = freshIp();
		for (let round = 0; round < 2; round++) {
			for (let i = 0; i < MAX_PER_ACCOUNT - 1; i++) expect((await signInFrom(ip, user.email, 'a wrong password guess')).status).toBe(401);
			expect((await signInFrom(ip, user.email, user.password)).status).toBe(201);
		}
	});

	it(`after ${MAX_PER_IP} failed attempts from one IP, across accounts, that IP is refused while other IPs still sign in`, async () => {
		const users = [await account(), await account(), await account()];
		const ip = freshIp();
		for (let i = 0; i < MAX_PER_IP; i++) {
			const u = users[i % users.length]!;
			expect((await signInFrom(ip, u.email, 'a wrong password guess')).status).toBe(401);
		}
		const fresh = await account();
		expectLimited(await signInFrom(ip, fresh.email, fresh.password));
		expect((await signInFrom(freshIp(), fresh.email, fresh.password)).status).toBe(201);
	});

	it('successful sign-ins from one IP do not count: a whole class behind one school network signs in', async () => {
		const ip = freshIp();
		const classmates = await Promise.all(Array.from({ length: MAX_PER_IP + 2 }, () => account()));
		for (const c of classmates) expect((await signInFrom(ip, c.email, c.password)).status).toBe(201);
	});

	it('parallel guesses cannot slip past the account limit while passwords are being checked', async () => {
		const victim = await account();
		const replies = await Promise.all(Array.from({ length: 12 }, () => signInFrom(freshIp(), victim.email, 'a wrong password guess')));
		expect(replies.filter((r) => r.status === 401)).toHaveLength(MAX_PER_ACCOUNT);
		expect(replies.filter((r) => r.status === 429)).toHaveLength(12 - MAX_PER_ACCOUNT);
	});

	it(`sign-ups from one IP are limited too`, async () => {
		const ip = freshIp();
		for (let i = 0; i < SIGNUPS_PER_IP; i++) expect((await postFrom(ip, url, '/api/v1/users', signUpBody())).status).toBe(201);
		const body = signUpBody();
		expectLimited(await postFrom(ip, url, '/api/v1/users', body), 3600);
		expect((await signInFrom(freshIp(), body.email as string, PASSWORD)).status).toBe(401);
	});
});
