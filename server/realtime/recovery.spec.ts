import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundedRecoveryAdapter, type RecoveryLimits } from './recovery';

/** A bare Socket.IO server on port 0 with the bounded recovery adapter; every connection joins the rooms it asks for. */
async function serve(limits: RecoveryLimits, { refuseFirstRecovery = false, duringRecovery }: { refuseFirstRecovery?: boolean; duringRecovery?: (io: Server, step: string) => void } = {}) {
	const http = createServer();
	const io = new Server(http, { adapter: boundedRecoveryAdapter(limits), connectionStateRecovery: { maxDisconnectionDuration: limits.windowMs, skipMiddlewares: false } });
	if (duringRecovery) {
		// As the app's guard does: the session is checked against the database after the adapter found it.
		const adapter = io.of('/').adapter;
		const restore = adapter.restoreSession.bind(adapter);
		adapter.restoreSession = async (pid, offset) => {
			const session = await restore(pid, offset);
			duringRecovery(io, 'checks');
			await new Promise((r) => setTimeout(r, 20));
			return session;
		};
	}
	let refused = false;
	io.use(async (socket, next) => {
		if (refuseFirstRecovery && socket.recovered && !refused) {
			refused = true;
			return next(new Error('not now'));
		}
		// As the app's authentication does: a middleware that waits on the database.
		if (duringRecovery && socket.recovered) {
			duringRecovery(io, 'middleware');
			await new Promise((r) => setTimeout(r, 20));
		}
		next();
	});
	io.on('connection', (socket) => {
		const rooms = socket.handshake.auth.rooms as string[] | undefined;
		if (!socket.recovered && rooms) socket.join(rooms);
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	const adapter = io.of('/').adapter as unknown as { prune(now: number): void; restoreSession(pid: string, offset: string): Promise<unknown> };
	return { io, url, adapter, close: () => new Promise<void>((resolve) => io.close(() => resolve())) };
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
	vi.useRealTimers();
	for (const o of open.splice(0)) await o.close();
});

type Offsets = { _pid: string; _lastOffset: string };

/** Connects (joining `rooms`), records `note` events, and waits until one broadcast has arrived: recovery starts from the last one seen. */
async function reader(server: Awaited<ReturnType<typeof serve>>, rooms: string[]) {
	const socket: ClientSocket = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { rooms } });
	open.push({ close: () => socket.close() });
	await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
	const seen: string[] = [];
	socket.on('note', (text: string) => seen.push(text));
	server.io.to(rooms[0]!).emit('note', 'before');
	await waitFor(() => seen.length === 1);
	return { socket, seen };
}

/** Cuts the connection as a network drop would (not a goodbye), so the server keeps its session. */
async function drop(socket: ClientSocket): Promise<void> {
	const gone = new Promise((resolve) => socket.once('disconnect', resolve));
	(socket.io.engine as unknown as { close(): void }).close();
	await gone;
}

async function reconnect(socket: ClientSocket): Promise<void> {
	const back = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
	socket.connect();
	await back;
}

async function waitFor(check: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
	expect(check()).toBe(true);
}

/** Lets the server see the drop (its socket closes a moment after the client's). */
async function serverSawDrop(io: Server, count: number): Promise<void> {
	await waitFor(() => io.of('/').sockets.size === count);
}

describe('bounded connection-state recovery', () => {
	it('after a short drop, replays what the rooms got meanwhile, once, and nothing sent elsewhere', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 });
		open.push(server);
		const { socket, seen } = await reader(server, ['a', 'b']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		server.io.to('a').emit('note', 'to a');
		server.io.to('elsewhere').emit('note', 'to another room');
		server.io.to('b').except('a').emit('note', 'to b, not a');
		server.io.to('b').emit('note', 'to b');
		await reconnect(socket);
		expect(socket.recovered).toBe(true);
		await waitFor(() => seen.length === 3);
		expect(seen).toEqual(['before', 'to a', 'to b']);
		// Still in its rooms.
		server.io.to('b').emit('note', 'live');
		await waitFor(() => seen.length === 4);
	});

	it('does not recover a client that missed more packets than are kept: it starts afresh', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 20 });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		for (let i = 0; i < 40; i++) server.io.to('a').emit('note', `missed ${i}`);
		await reconnect(socket);
		expect(socket.recovered).toBe(false);
		// A fresh connection joined its rooms anew and gets what comes next, and nothing of the replay.
		server.io.to('a').emit('note', 'after');
		await waitFor(() => seen.length === 2);
		expect(seen).toEqual(['before', 'after']);
	});

	it('recovers a client whose missed packets are all still kept, however many were sent before', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 20 });
		open.push(server);
		for (let i = 0; i < 100; i++) server.io.to('a').emit('note', `old ${i}`);
		const { socket, seen } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		for (let i = 0; i < 10; i++) server.io.to('a').emit('note', `missed ${i}`);
		await reconnect(socket);
		expect(socket.recovered).toBe(true);
		await waitFor(() => seen.length === 11);
		expect(seen.slice(1)).toEqual(Array.from({ length: 10 }, (_, i) => `missed ${i}`));
	});

	it('does not recover a session past the window, nor one whose socket is connected', async () => {
		const server = await serve({ windowMs: 300, maxPackets: 100 });
		open.push(server);
		const late = await reader(server, ['a']);
		await drop(late.socket);
		await serverSawDrop(server.io, 0);
		await new Promise((r) => setTimeout(r, 400));
		await reconnect(late.socket);
		expect(late.socket.recovered).toBe(false);

		const twice = await reader(server, ['a']);
		const auth = { ...(twice.socket as unknown as { auth: object }).auth };
		await drop(twice.socket);
		await serverSawDrop(server.io, 1);
		await reconnect(twice.socket);
		expect(twice.socket.recovered).toBe(true);
		// Someone else presenting the same private id and offset gets a connection of their own.
		const { _pid: pid, _lastOffset: offset } = twice.socket as unknown as Offsets;
		const copy: ClientSocket = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { ...auth } });
		open.push({ close: () => copy.close() });
		Object.assign(copy, { _pid: pid, _lastOffset: offset });
		await new Promise<void>((resolve) => copy.once('connect', () => resolve()));
		expect(copy.recovered).toBe(false);
		expect(copy.id).not.toBe(twice.socket.id);
	});
	it('recovers a client of a quiet room however many packets other rooms got meanwhile', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 20 });
		open.push(server);
		const { socket, seen } = await reader(server, ['quiet']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		for (let i = 0; i < 50; i++) server.io.to('busy').emit('note', `busy ${i}`);
		server.io.to('quiet').emit('note', 'missed');
		await reconnect(socket);
		expect(socket.recovered).toBe(true);
		await waitFor(() => seen.length === 2);
		expect(seen).toEqual(['before', 'missed']);
	});

	it('lets packets older than the window go: a client that had not got one is not recovered', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const start = Date.now();
		const server = await serve({ windowMs: 60_000, maxPackets: 100 });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		const offsets = socket as unknown as Offsets;
		const lastSeen = offsets._lastOffset;
		server.io.to('a').emit('note', 'lost on the way');
		await waitFor(() => seen.length === 2);
		// As if that packet never arrived (the connection was already dead, and the server did not know yet).
		offsets._lastOffset = lastSeen;
		vi.setSystemTime(start + 50_000);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		vi.setSystemTime(start + 61_000);
		server.adapter.prune(Date.now());
		await reconnect(socket);
		expect(socket.recovered).toBe(false);
	});

	it('does not replay what was broadcast before the client connected, whatever offset it presents', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 });
		open.push(server);
		// An offset this server really gave out, before the second client connected.
		const first = await reader(server, ['a']);
		const earlierOffset = (first.socket as unknown as Offsets)._lastOffset;
		for (let i = 0; i < 5; i++) server.io.to('a').emit('note', `earlier ${i}`);
		const late = await reader(server, ['a']);
		await drop(late.socket);
		await serverSawDrop(server.io, 1);
		(late.socket as unknown as Offsets)._lastOffset = earlierOffset;
		await reconnect(late.socket);
		expect(late.socket.recovered).toBe(false);
		expect(late.seen.some((text) => text.startsWith('earlier'))).toBe(false);
	});

	it('keeps the session when a reconnect is refused, so the next attempt recovers', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 }, { refuseFirstRecovery: true });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		const refused = new Promise<Error>((resolve) => socket.once('connect_error', resolve));
		socket.connect();
		expect((await refused).message).toBe('not now');
		await reconnect(socket);
		expect(socket.recovered).toBe(true);
		// Back in its room.
		server.io.to('a').emit('note', 'after');
		await waitFor(() => seen.length === 2);
		expect(seen).toEqual(['before', 'after']);
	});
	it('delivers what the rooms got while the reconnect was being checked, once', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 }, { duringRecovery: (io, step) => io.to('a').emit('note', `during ${step}`) });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		server.io.to('a').emit('note', 'missed');
		await reconnect(socket);
		expect(socket.recovered).toBe(true);
		// Already there as the connection comes up, like the rest of the replay.
		expect(seen).toEqual(['before', 'missed', 'during checks', 'during middleware']);
		server.io.to('a').emit('note', 'after');
		await waitFor(() => seen.includes('after'));
		expect(seen).toEqual(['before', 'missed', 'during checks', 'during middleware', 'after']);
	});

	it('recovers again after a second drop, and not from a session already used', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		for (const round of [1, 2]) {
			await drop(socket);
			await serverSawDrop(server.io, 0);
			server.io.to('a').emit('note', `missed ${round}`);
			server.io.to('elsewhere').emit('note', 'not for it');
			await reconnect(socket);
			expect(socket.recovered).toBe(true);
			await waitFor(() => seen.length === 1 + round);
		}
		expect(seen).toEqual(['before', 'missed 1', 'missed 2']);
		// Sent away by the server (not a drop): nothing to recover, not even the session used before.
		const gone = new Promise((resolve) => socket.once('disconnect', resolve));
		server.io.disconnectSockets();
		await gone;
		await reconnect(socket);
		expect(socket.recovered).toBe(false);
	});

	it('does not recover a client when packets sent to everyone were let go after its offset', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 20 });
		open.push(server);
		const { socket } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		for (let i = 0; i < 40; i++) server.io.emit('note', `to everyone ${i}`);
		await reconnect(socket);
		expect(socket.recovered).toBe(false);
	});

	it('hands a session to one reconnect at a time', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 100 });
		open.push(server);
		const { socket } = await reader(server, ['a']);
		const { _pid: pid, _lastOffset: offset } = socket as unknown as Offsets;
		await drop(socket);
		await serverSawDrop(server.io, 0);
		expect(await server.adapter.restoreSession(pid, offset)).toMatchObject({ pid, rooms: expect.arrayContaining(['a']) });
		expect(await server.adapter.restoreSession(pid, offset)).toBeNull();
	});
	it('goes on as a fresh connection when what it missed during the checks was let go meanwhile', async () => {
		const server = await serve({ windowMs: 60_000, maxPackets: 20 }, { duringRecovery: (io, step) => step === 'checks' && [...Array(40).keys()].forEach((i) => io.to('a').emit('note', `burst ${i}`)) });
		open.push(server);
		const { socket, seen } = await reader(server, ['a']);
		await drop(socket);
		await serverSawDrop(server.io, 0);
		await reconnect(socket);
		// The client is told, so it can catch up from history; the connection stays up and is in its rooms afresh.
		expect(socket.recovered).toBe(false);
		expect(socket.connected).toBe(true);
		const [serverSocket] = await server.io.fetchSockets();
		expect([...serverSocket!.rooms].sort()).toEqual([serverSocket!.id, 'a'].sort());
		server.io.to('a').emit('note', 'after');
		await waitFor(() => seen.includes('after'));
		expect(seen.filter((text) => text === 'after')).toHaveLength(1);
	});
});
