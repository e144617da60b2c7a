import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/codes';
import { newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';

const drivers = await availableDrivers();

type Outcome =
	| { kind: 'refused'; status: number; body: string }
	| { kind: 'closed'; code: number; reason: string; messages: number }
	| { kind: 'error'; message: string };

describe.each(drivers)('reserved Yjs route /yjs/<docId> (%s)', (driver) => {
	let server: TestServer;
	let user: TestUser;

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		user = await newUser(server.url);
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

	const refused = (status: number) => expect.objectContaining({ kind: 'refused', status });

	it('without a token the upgrade is refused with HTTP 401, before any WebSocket exists', async () => {
		expect(await connect('/yjs/doc-1')).toEqual(refused(401));
		expect(await connect('/yjs/doc-1?token=not-a-real-token')).toEqual(refused(401));
	});

	it('a session cookie without an Origin is refused with 401: non-browser clients must use a token', async () => {
		expect(await connect('/yjs/doc-1', { cookie: user.cookie })).toEqual(refused(401));
	});

	it('a disallowed Origin is refused with 403, even with a valid token', async () => {
		expect(await connect(`/yjs/doc-1?token=${user.token}`, { origin: 'http://evil.example' })).toEqual(refused(403));
	});

	it('a malformed document id gets 404', async () => {
		for (const path of ['/yjs/', '/yjs/a/b', '/yjs/bad%20id', `/yjs/${'x'.repeat(129)}`, '/yjs/..%2Fetc']) {
			expect(await connect(`${path}?token=${user.token}`), path).toEqual(refused(404));
		}
	});

	it(`a valid ?token= opens the connection, which is closed with ${CloseCode.NotImplemented} and a reason, without a document byte`, async () => {
		const outcome = await connect(`/yjs/space:doc_1-a?token=${user.token}`);
		expect(outcome).toEqual({ kind: 'closed', code: CloseCode.NotImplemented, reason: expect.stringMatching(/\S/), messages: 0 });
	});

	it('a bearer header, or the cookie from an allowed Origin, is answered the same way', async () => {
		const viaHeader = await connect('/yjs/doc-2', { authorization: `Bearer ${user.token}` });
		expect(viaHeader).toMatchObject({ kind: 'closed', code: CloseCode.NotImplemented, messages: 0 });
		const viaCookie = await connect('/yjs/doc-2', { cookie: user.cookie, origin: server.url });
		expect(viaCookie).toMatchObject({ kind: 'closed', code: CloseCode.NotImplemented, messages: 0 });
	});

	it('an upgrade to any other path is dropped, and the server keeps serving', async () => {
		expect(await connect(`/elsewhere?token=${user.token}`)).toMatchObject({ kind: 'error' });
		const health = await fetch(`${server.url}/healthz`);
		expect(health.status).toBe(200);
	});
});
