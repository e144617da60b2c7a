import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createSpace, newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

type Outcome =
	| { kind: 'refused'; status: number; body: string }
	| { kind: 'closed'; code: number; reason: string; messages: number }
	| { kind: 'error'; message: string };

describe.each(drivers)('Yjs route /yjs/<documentId>: who gets in (%s)', (driver) => {
	let server: TestServer;
	let user: TestUser;
	let stranger: TestUser;
	let docId: string;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		user = await newUser(server.url);
		stranger = await newUser(server.url);
		const spaceId = await createSpace(server.url, user);
		const created = await api(server.url, `/api/v1/spaces/${spaceId}/documents`, { method: 'POST', token: user.token, body: { kind: 'text', title: 'Notes' } });
		docId = created.body.id;
	});
	afterAll(() => server?.close());

	/** Opens a real WebSocket to `path` and reports how the server answered: an HTTP refusal, or a close after upgrade. */
	function connect(path: string, headers: Record<string, string> = {}): Promise<Outcome> {
		const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, { headers });
		let messages = 0;
		ws.on('message', () => void messages++);
		return new Promise<Outcome>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no answer for ${path} within 5000 ms`)), 5_000);
			const done = (o: Outcome) => (clearTimeout(timer), resolve(o));
			ws.on('unexpected-response', (_req, res: IncomingMessage) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (c: string) => (body += c));
				res.on('end', () => done({ kind: 'refused', status: res.statusCode ?? 0, body }));
			});
			ws.on('close', (code, reason) => done({ kind: 'closed', code, reason: reason.toString(), messages }));
			ws.on('error', (err) => done({ kind: 'error', message: err.message }));
		});
	}

	/** Opens a connection that should be accepted and returns the first frame the server sends. */
	function firstMessage(path: string, headers: Record<string, string>): Promise<Uint8Array> {
		const ws = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, { headers });
		return new Promise<Uint8Array>((resolve, reject) => {
			ws.once('message', (data: Buffer) => {
				resolve(new Uint8Array(data));
				ws.close();
			});
			ws.once('unexpected-response', (_req, res: IncomingMessage) => reject(new Error(`refused with ${res.statusCode}`)));
			ws.once('error', reject);
			ws.once('close', (code) => reject(new Error(`closed with ${code} before any message`)));
		});
	}

	const refused = (status: number) => expect.objectContaining({ kind: 'refused', status });

	it('without a token the upgrade is refused with HTTP 401, before any WebSocket exists', async () => {
		expect(await connect('/yjs/00000000-0000-4000-8000-000000000001')).toEqual(refused(401));
		expect(await connect('/yjs/00000000-0000-4000-8000-000000000001?token=not-a-real-token')).toEqual(refused(401));
	});

	it('a session cookie without an Origin is refused with 401: non-browser clients must use a token', async () => {
		expect(await connect('/yjs/00000000-0000-4000-8000-000000000001', { cookie: user.cookie })).toEqual(refused(401));
	});

	it('a disallowed Origin is refused with 403, even with a valid token', async () => {
		expect(await connect(`/yjs/00000000-0000-4000-8000-000000000001?token=${user.token}`, { origin: 'http://evil.example' })).toEqual(refused(403));
	});

	it('a malformed document id gets 404', async () => {
		for (const path of ['/yjs/', '/yjs/a/b', '/yjs/bad%20id', `/yjs/${'x'.repeat(129)}`, '/yjs/..%2Fetc']) {
			expect(await connect(`${path}?token=${user.token}`), path).toEqual(refused(404));
		}
	});

	it('a document that does not exist, and one in a space the user is not in, both get 404 before any WebSocket exists', async () => {
		expect(await connect(`/yjs/00000000-0000-4000-8000-000000000000?token=${user.token}`)).toEqual(refused(404));
		expect(await connect(`/yjs/${docId}?token=${stranger.token}`)).toEqual(refused(404));
	});

	it('a member with ?token=, a bearer header, or the cookie from an allowed Origin is let in and receives sync step 1', async () => {
		for (const [path, headers] of [
			[`/yjs/${docId}?token=${user.token}`, {}],
			[`/yjs/${docId}`, { authorization: `Bearer ${user.token}` }],
			[`/yjs/${docId}`, { cookie: user.cookie, origin: server.url }]
		] as const) {
			const first = await firstMessage(path, headers);
			expect(first.subarray(0, 2), path).toEqual(new Uint8Array([0, 0]));
		}
	});

	it('an upgrade to any other path is dropped, and the server keeps serving', async () => {
		expect(await connect(`/elsewhere?token=${user.token}`)).toMatchObject({ kind: 'error' });
		const health = await fetch(`${server.url}/healthz`);
		expect(health.status).toBe(200);
	});
});
