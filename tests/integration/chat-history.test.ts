import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_MAX_PAGE, type ChatHistoryMessage, type ChatMessage } from '../../src/lib/protocol/chat';
import { api, newUser } from '../helpers/api';
import { chatSpace, nextMessage, record, request, sendOk } from '../helpers/chat';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { Sockets, type ClientSocket } from '../helpers/sockets';
import { nextEvent, waitFor } from '../helpers/wait';

const drivers = await availableDrivers();

describe.each(drivers)('chat history and catching up (%s)', (driver) => {
	let server: TestServer;
	const sockets = new Sockets();

	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { translator: 'none', chatSendBurst: 10_000 } });
	});
	afterEach(() => sockets.closeAll());
	afterAll(() => server?.close());

	/** Sends `n` numbered messages, a few at a time, and returns them in the order stored. */
	async function sendMany(socket: ClientSocket, spaceId: string, n: number, prefix = 'message'): Promise<ChatMessage[]> {
		const sent: ChatMessage[] = [];
		for (let i = 0; i < n; i += 10) {
			const batch = await Promise.all(
				Array.from({ length: Math.min(10, n - i) }, (_, k) => sendOk(socket, spaceId, `${prefix} ${i + k + 1}`))
			);
			sent.push(...batch);
		}
		return sent.sort((a, b) => a.seq - b.seq);
	}

	async function page(socket: ClientSocket, payload: Record<string, unknown>) {
		const ack = await request(socket, 'chat:history', payload);
		if (!ack.ok) throw new Error(`chat:history refused: ${ack.error.code}`);
		return ack;
	}

	it('paging back from the newest, 50 at a time, returns every one of 230 messages exactly once, each page oldest first', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const sent = await sendMany(a.socket, spaceId, 230);

		const seen: ChatHistoryMessage[] = [];
		let res = await page(b.socket, { spaceId, limit: 50 });
		const sizes = [res.messages.length];
		seen.unshift(...res.messages);
		while (res.hasMore) {
			res = await page(b.socket, { spaceId, before: res.messages[0]!.id, limit: 50 });
			sizes.push(res.messages.length);
			seen.unshift(...res.messages);
		}
		expect(sizes).toEqual([50, 50, 50, 50, 30]);
		expect(seen.map((m) => m.id)).toEqual(sent.map((m) => m.id));
		expect(seen.map((m) => m.text)).toEqual(sent.map((m) => m.text));
		for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
		expect(seen[0]).toEqual(sent[0]);
	});

	it('paging forward from the oldest returns every message exactly once; the default page is 50 and the largest 100', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}]);
		const socket = members[0]!.socket;
		const sent = await sendMany(socket, spaceId, 230);

		const first = await page(socket, { spaceId, after: sent[0]!.id, limit: 50 });
		const seen = [sent[0]!, ...first.messages];
		let res = first;
		while (res.hasMore) {
			res = await page(socket, { spaceId, after: res.messages.at(-1)!.id, limit: 50 });
			seen.push(...res.messages);
		}
		expect(seen.map((m) => m.id)).toEqual(sent.map((m) => m.id));

		const latest = await page(socket, { spaceId });
		expect(latest.messages.map((m) => m.id)).toEqual(sent.slice(-50).map((m) => m.id));
		expect(latest.hasMore).toBe(true);
		const biggest = await page(socket, { spaceId, limit: CHAT_MAX_PAGE });
		expect(biggest.messages).toHaveLength(CHAT_MAX_PAGE);
		// Caught up: nothing after the newest.
		expect(await page(socket, { spaceId, after: sent.at(-1)!.id })).toEqual({ ok: true, messages: [], hasMore: false });
	});

	it('history refuses bad cursors and limits, other spaces’ ids and outsiders, and is empty for a new space', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}]);
		const socket = members[0]!.socket;
		expect(await page(socket, { spaceId })).toEqual({ ok: true, messages: [], hasMore: false });
		const sent = await sendOk(socket, spaceId, 'hello');
		const cases: [unknown, string][] = [
			[{ spaceId, limit: 0 }, 'invalid_input'],
			[{ spaceId, limit: CHAT_MAX_PAGE + 1 }, 'invalid_input'],
			[{ spaceId, limit: 2.5 }, 'invalid_input'],
			[{ spaceId, before: 'yesterday' }, 'invalid_input'],
			[{ spaceId, before: sent.id, after: sent.id }, 'invalid_input'],
			[{ spaceId, after: randomUUID() }, 'not_found'],
			[null, 'invalid_input']
		];
		for (const [payload, code] of cases) {
			expect(await request(socket, 'chat:history', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
		}
		// A member of another space cannot page from this space's message ids.
		const other = await chatSpace(server, sockets, [{}]);
		expect(await request(other.members[0]!.socket, 'chat:history', { spaceId: other.spaceId, before: sent.id })).toMatchObject({
			ok: false,
			error: { code: 'not_found' }
		});
		const outsider = await newUser(server.url);
		const outsiderSocket = await sockets.connect(server.url, { token: outsider.token });
		expect(await request(outsiderSocket, 'chat:history', { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
	});

	it('a client that was away fetches after its last seen id and gets every missed message exactly once', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const seenLive = record<ChatMessage>(b.socket, 'chat:message');
		const before = await sendMany(a.socket, spaceId, 3, 'before');
		await waitFor(() => seenLive.length === 3, { what: 'live messages' });
		const lastSeenId = seenLive.at(-1)!.id;
		expect(lastSeenId).toBe(before.at(-1)!.id);

		b.socket.disconnect();
		const missed = await sendMany(a.socket, spaceId, 120, 'while away');

		// A new connection, as after an outage longer than connection-state recovery covers.
		const again = await sockets.connect(server.url, { token: b.user.token });
		expect(await request(again, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const liveAfter = record<ChatMessage>(again, 'chat:message');
		const caughtUp: ChatMessage[] = [];
		let cursor = lastSeenId;
		for (;;) {
			const res = await page(again, { spaceId, after: cursor });
			caughtUp.push(...res.messages);
			if (!res.hasMore) break;
			cursor = res.messages.at(-1)!.id;
		}
		expect(caughtUp.map((m) => m.id)).toEqual(missed.map((m) => m.id));
		expect(new Set(caughtUp.map((m) => m.id)).size).toBe(120);
		// Messages after the catch-up arrive live, and only those.
		const next = randomUUID();
		const arrived = nextMessage(again, next);
		await sendOk(a.socket, spaceId, 'welcome back', { clientId: next });
		await arrived;
		expect(liveAfter.map((m) => m.clientId)).toEqual([next]);
	});

	/**
	 * A client that reconnects by itself, as the browser's does, joined to the space (reading `lang` when given),
	 * then cut off from the server as by a network drop. With `sender`, it first receives one message from that
	 * member: recovery starts from the last packet a client got.
	 */
	async function droppedMember(spaceId: string, token: string, { lang, sender }: { lang?: string; sender?: ClientSocket } = {}) {
		const socket: ClientSocket = io(server.url, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 100, reconnectionDelayMax: 200 });
		await nextEvent(socket, 'connect');
		expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: true });
		if (lang) expect(await request(socket, 'chat:language', { lang })).toEqual({ ok: true, lang });
		const seen = record<ChatMessage>(socket, 'chat:message');
		if (sender) {
			await sendOk(sender, spaceId, 'before the drop');
			await waitFor(() => seen.length === 1, { what: 'first message' });
		}
		const dropped = nextEvent(socket, 'disconnect');
		(socket.io.engine as unknown as { close(): void }).close();
		await dropped;
		return { socket, seen };
	}

	it('after a short drop, connection-state recovery delivers what was missed, once, without a new space:join', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		const { socket, seen } = await droppedMember(spaceId, b.user.token, { sender: a.socket });
		try {
			const during = await sendMany(a.socket, spaceId, 5, 'during the drop');
			await nextEvent(socket, 'connect', 10_000);
			expect(socket.recovered).toBe(true);
			await waitFor(() => seen.length === 6, { what: 'missed messages' });
			const after = await sendOk(a.socket, spaceId, 'after the drop');
			await waitFor(() => seen.length === 7, { what: 'live message after recovery' });
			expect(seen.map((m) => m.id)).toEqual([seen[0]!.id, ...during.map((m) => m.id), after.id]);
			// Still in the room for everything else, too.
			const typing = nextEvent(socket, 'chat:typing');
			a.socket.emit('chat:typing', { spaceId, typing: true });
			expect(await typing).toMatchObject({ userId: a.user.id, typing: true });
		} finally {
			socket.close();
		}
	});

	it('a reader whose language nobody else reads gets what was said during a short drop, through recovery', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [a, b] = [members[0]!, members[1]!];
		// Alone in the Swahili room: once this connection drops, every connection left is in a room of its own language.
		const { socket, seen } = await droppedMember(spaceId, b.user.token, { lang: 'sw', sender: a.socket });
		try {
			const during = await sendMany(a.socket, spaceId, 3, 'while the Swahili reader is away');
			await nextEvent(socket, 'connect', 10_000);
			expect(socket.recovered).toBe(true);
			await waitFor(() => seen.length === 4, { what: 'the messages missed during the drop' });
			expect(seen.slice(1).map((m) => m.id)).toEqual(during.map((m) => m.id));
		} finally {
			socket.close();
		}
	});

	it('a member removed while their connection was down gets neither the room back nor what was said meanwhile', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [owner, b] = [members[0]!, members[1]!];
		const { socket, seen } = await droppedMember(spaceId, b.user.token);
		try {
			const removed = await api(server.url, `/api/v1/spaces/${spaceId}/members/${b.user.id}`, { method: 'DELETE', token: owner.user.token });
			expect(removed.status).toBeLessThan(300);
			await sendOk(owner.socket, spaceId, 'said after the removal');
			await nextEvent(socket, 'connect', 10_000);
			expect(socket.recovered).toBe(false);
			await sendOk(owner.socket, spaceId, 'and said later');
			// A round trip on the removed member's own connection: anything sent to it before is in by now.
			expect(await request(socket, 'space:join', { spaceId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
			expect(seen).toEqual([]);
		} finally {
			socket.close();
		}
	});

	it('a session signed out while its connection was down is not recovered, and the reconnect is refused', async () => {
		const { spaceId, members } = await chatSpace(server, sockets, [{}, {}]);
		const [owner, b] = [members[0]!, members[1]!];
		const { socket, seen } = await droppedMember(spaceId, b.user.token);
		try {
			const out = await api(server.url, '/api/v1/sessions/current', { method: 'DELETE', token: b.user.token });
			expect(out.status).toBeLessThan(300);
			await sendOk(owner.socket, spaceId, 'said after the sign-out');
			const refused = await nextEvent<Error>(socket, 'connect_error', 10_000);
			expect(refused.message).toBe('unauthorized');
			expect(seen).toEqual([]);
		} finally {
			socket.close();
		}
	});
});
