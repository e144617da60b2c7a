import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import { chatSpace, nextMessage, record, request, sendOk } from '../helpers/chat';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets } from '../helpers/sockets';

const drivers = await availableDrivers();

/**
 * A classifier on port 0: texts containing "hang" are never answered, "broken" gets a 500, "spam" is blocked,
 * "review" is held, anything else allowed.
 */
async function startClassifier() {
	const hanging = new Set<ServerResponse>();
	const received: { text: string; kind: string; minorsPresent: boolean }[] = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			const { text, kind, minorsPresent } = JSON.parse(body) as { text: string; kind: string; minorsPresent: boolean };
			received.push({ text, kind, minorsPresent });
			if (text.includes('hang')) return void hanging.add(res);
			if (text.includes('broken')) return void res.writeHead(500).end('oops');
			const action = text.includes('spam') ? 'block' : text.includes('review') ? 'hold' : 'allow';
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action, reason: action === 'allow' ? undefined : 'classifier_test' }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/classify`,
		received,
		async close() {
			for (const res of hanging) res.destroy();
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

describe.each(drivers)('classifier webhook (%s)', (driver) => {
	let classifier: Awaited<ReturnType<typeof startClassifier>>;
	const servers: Record<'closed' | 'open', TestServer> = {} as never;
	const sockets = new Sockets();

	beforeAll(async () => {
		classifier = await startClassifier();
		for (const fail of ['closed', 'open'] as const) {
			servers[fail] = await startTestServer({
				db: driver,
				config: { translator: 'none', moderationWebhookUrl: classifier.url, moderationWebhookTimeoutMs: 300, moderationWebhookFail: fail }
			});
		}
	});
	afterEach(() => sockets.closeAll());
	afterAll(async () => {
		await servers.closed?.close();
		await servers.open?.close();
		await classifier?.close();
	});

	it('the classifier’s verdicts apply: allow passes, hold is held, block is refused', async () => {
		const { spaceId, members } = await chatSpace(servers.closed, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const clientId = randomUUID();
		const arrives = nextMessage(b.socket, clientId);
		await sendOk(a.socket, spaceId, 'a fine day', { clientId });
		await arrives;
		expect(classifier.received.at(-1)).toEqual({ text: 'a fine day', kind: 'chat', minorsPresent: false });
		expect((await sendOk(a.socket, spaceId, 'please review this')).held).toBe('pending');
		expect(await request(a.socket, 'chat:send', { spaceId, clientId: randomUUID(), text: 'buy spam now' })).toMatchObject({ ok: false, error: { code: 'message_blocked' } });
	});

	it('fail closed: a classifier that times out or fails holds the text for a moderator', async () => {
		const { spaceId, members } = await chatSpace(servers.closed, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const seenByB = record<ChatMessage>(b.socket, 'chat:message');
		const slow = await sendOk(a.socket, spaceId, 'please hang on');
		const failed = await sendOk(a.socket, spaceId, 'a broken classifier');
		expect([slow.held, failed.held]).toEqual(['pending', 'pending']);
		const queue = await servers.closed.app.moderation.queue({ spaceId });
		expect(queue.map((q) => [q.targetId, q.hook, q.reason])).toEqual([
			[slow.id, 'webhook', 'classifier_unavailable'],
			[failed.id, 'webhook', 'classifier_unavailable']
		]);
		const clientId = randomUUID();
		const arrives = nextMessage(b.socket, clientId);
		await sendOk(a.socket, spaceId, 'sentinel', { clientId });
		await arrives;
		expect(seenByB.map((m) => m.text)).toEqual(['sentinel']);
	});

	it('fail open: a classifier that times out or fails lets the text through', async () => {
		const { spaceId, members } = await chatSpace(servers.open, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		for (const text of ['please hang on', 'a broken classifier']) {
			const clientId = randomUUID();
			const arrives = nextMessage(b.socket, clientId);
			expect((await sendOk(a.socket, spaceId, text, { clientId })).held).toBeUndefined();
			expect((await arrives).text).toBe(text);
		}
		expect(await servers.open.app.moderation.queue({ spaceId })).toEqual([]);
	});
});
