import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestJson } from './http';
import { TranslateError } from './types';

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => handler(req, res, body));
	});
	await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
	if (!server) return;
	server.closeAllConnections();
	await new Promise((r) => server!.close(r));
	server = undefined;
});

describe('requestJson', () => {
	it('answers status, headers and parsed JSON, skipping a byte order mark', async () => {
		const base = await serve((_req, res) => {
			res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
			res.end('\uFEFF{"error":"slow down"}');
		});
		const answer = await requestJson(new URL('/translate', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 'Test');
		expect(answer.status).toBe(429);
		expect(answer.headers.get('retry-after')).toBe('3');
		expect(answer.body).toEqual({ error: 'slow down' });
	});

	it('follows redirects: 307 repeats the POST with its body, 302 asks with GET', async () => {
		const seen: string[] = [];
		const base = await serve((req, res, body) => {
			seen.push(`${req.method} ${req.url} ${body}`);
			if (req.url === '/old') return void res.writeHead(307, { location: '/new' }).end();
			if (req.url === '/moved') return void res.writeHead(302, { location: '/languages' }).end();
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: req.url }));
		});
		const posted = await requestJson(new URL('/old', base), { method: 'POST', body: new URLSearchParams({ q: 'hola' }) }, 'Test');
		expect(posted.body).toEqual({ at: '/new' });
		const moved = await requestJson(new URL('/moved', base), { method: 'POST', body: new URLSearchParams({ q: 'hola' }) }, 'Test');
		expect(moved.body).toEqual({ at: '/languages' });
		expect(seen).toEqual(['POST /old q=hola', 'POST /new q=hola', 'POST /moved q=hola', 'GET /languages ']);
	});

	it('a kept-alive connection the server dropped is not an outage: the request goes again on a new one', async () => {
		let requests = 0;
		const base = await serve((req, res) => {
			requests += 1;
			// The second request arrives on the first one's connection: cut it, as a server whose idle timeout ran out does.
			if (requests === 2) return void req.socket.destroy();
			res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' }).end('{"ok":true}');
		});
		const url = new URL('/languages', base);
		expect((await requestJson(url, { method: 'GET' }, 'Test')).body).toEqual({ ok: true });
		expect((await requestJson(url, { method: 'GET' }, 'Test')).body).toEqual({ ok: true });
		expect(requests).toBe(3);
	});

	it('refuses an answer over 8 MB, and names the host but not the query when unreachable', async () => {
		const base = await serve((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(`"${'x'.repeat(9 * 1024 * 1024)}"`);
		});
		await expect(requestJson(new URL('/translate', base), { method: 'GET' }, 'Test')).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('too large') });
		const closed = new URL('/translate?q=secret', base);
		server!.closeAllConnections();
		await new Promise((r) => server!.close(r));
		server = undefined;
		const error = await requestJson(closed, { method: 'GET' }, 'Test').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TranslateError);
		expect(error).toMatchObject({ kind: 'unavailable' });
		expect((error as Error).message).not.toContain('secret');
	});

	it('an abort rejects at once with the signal’s reason', async () => {
		const base = await serve(() => {
			/* never answers */
		});
		const controller = new AbortController();
		const pending = requestJson(new URL('/translate', base), { method: 'GET', signal: controller.signal }, 'Test');
		controller.abort(new TranslateError('timeout', 'Test did not answer in time'));
		await expect(pending).rejects.toMatchObject({ kind: 'timeout', message: 'Test did not answer in time' });
	});
});
