import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import type { TextContext } from './pipeline';
import { createWebhookHook } from './webhook';

/** A classifier on port 0 whose answer each test chooses; it records what it was sent. */
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end();
const received: unknown[] = [];
let server: Server;
let url: string;
const pending = new Set<ServerResponse>();

beforeAll(async () => {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			received.push(JSON.parse(body));
			pending.add(res);
			res.on('close', () => pending.delete(res));
			handler(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/classify`;
});
afterAll(async () => {
	for (const res of pending) res.destroy();
	await new Promise((resolve) => server.close(resolve));
});

const logs: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
const ctx: TextContext = {
	spaceId: 'space-1',
	authorId: 'u',
	authorName: 'Ana',
	authorRole: 'member',
	text: 'a secret-marker text',
	lang: 'en',
	kind: 'chat',
	minorsPresent: true,
	policy: { contactFilterForMinors: true },
	clientId: null,
	editOf: null
};
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

describe('classifier webhook', () => {
	it('posts text, lang, space, kind and minors, and follows the answer', async () => {
		const hook = createWebhookHook({ url, timeoutMs: 2000, fail: 'closed', logger });
		handler = json(200, { action: 'hold', reason: 'Grooming' });
		expect(await hook.check!(ctx)).toEqual({ action: 'hold', reason: 'grooming' });
		expect(received.at(-1)).toEqual({ text: ctx.text, lang: 'en', spaceId: 'space-1', kind: 'chat', minorsPresent: true });
		handler = json(200, { action: 'block', reason: 'quoted text is not a code' });
		expect(await hook.check!(ctx)).toEqual({ action: 'block', reason: 'classifier' });
		handler = json(200, { action: 'allow' });
		expect(await hook.check!(ctx)).toEqual({ action: 'allow' });
	});

	describe.each(['closed', 'open'] as const)('failing %s', (fail) => {
		const failed = fail === 'closed' ? { action: 'hold', reason: 'classifier_unavailable' } : { action: 'allow', reason: 'classifier_unavailable' };
		const hook = () => createWebhookHook({ url, timeoutMs: 200, fail, logger });

		it('a classifier slower than the timeout', async () => {
			handler = () => {}; // never answers
			expect(await hook().check!(ctx)).toEqual(failed);
		});
		it('a server error', async () => {
			handler = json(503, { error: 'down' });
			expect(await hook().check!(ctx)).toEqual(failed);
		});
		it('an answer that is not JSON, or not the expected shape', async () => {
			handler = json(200, '<html>');
			expect(await hook().check!(ctx)).toEqual(failed);
			handler = json(200, { verdict: 'fine' });
			expect(await hook().check!(ctx)).toEqual(failed);
			handler = json(200, { action: 'maybe' });
			expect(await hook().check!(ctx)).toEqual(failed);
		});
		it('nobody listening', async () => {
			const closed = createServer();
			await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const port = (closed.address() as AddressInfo).port;
			await new Promise((resolve) => closed.close(resolve));
			const h = createWebhookHook({ url: `http://127.0.0.1:${port}/`, timeoutMs: 500, fail, logger });
			expect(await h.check!(ctx)).toEqual(failed);
		});
	});

	it('never logs the text', () => {
		expect(logs.length).toBeGreaterThan(0);
		expect(logs.join('\n')).not.toContain('secret-marker');
	});
});
