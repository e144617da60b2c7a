import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { framed, sendFramed, wireFrame } from './wire';

const open: { close(): void }[] = [];
afterEach(() => {
	for (const o of open.splice(0)) o.close();
});

/** A ws server (permessage-deflate as given) with one connected client that collects what it receives. */
async function pair(perMessageDeflate: boolean) {
	const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
	open.push(wss);
	await new Promise((r) => wss.once('listening', r));
	const serverSide = new Promise<WebSocket>((r) => wss.once('connection', r));
	const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate });
	open.push(client);
	const received: { data: Buffer; binary: boolean }[] = [];
	client.on('message', (data, binary) => received.push({ data: data as Buffer, binary }));
	await new Promise((r) => client.once('open', r));
	return { server: await serverSide, client, received };
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
const until = async (ok: () => boolean) => {
	for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('wire frames made once for a fan-out', () => {
	it('frames every payload length class as RFC 6455 says (7-, 16- and 64-bit lengths)', () => {
		expect([...wireFrame(new Uint8Array([1, 2, 3]))]).toEqual([0x82, 3, 1, 2, 3]);
		expect([...wireFrame(bytes(125)).subarray(0, 2)]).toEqual([0x82, 125]);
		expect([...wireFrame(bytes(126)).subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
		expect([...wireFrame(bytes(65535)).subarray(0, 4)]).toEqual([0x82, 126, 0xff, 0xff]);
		expect([...wireFrame(bytes(65536)).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
		expect(wireFrame(bytes(70_000)).byteLength).toBe(70_010);
	});

	it('reaches a stock ws client intact and in order, mixed with ordinary sends, at every length class', async () => {
		const { server, received } = await pair(false);
		const sizes = [0, 1, 125, 126, 127, 65535, 65536, 200_000];
		const expected: Uint8Array[] = [];
		for (const n of sizes) {
			const message = framed(bytes(n));
			sendFramed(server, message);
			// The frame is made once and kept for the next socket of the same fan-out.
			expect(message.wire?.byteLength).toBe(n + (n < 126 ? 2 : n < 65536 ? 4 : 10));
			server.send(bytes(n + 1), { binary: true });
			expected.push(bytes(n), bytes(n + 1));
		}
		await until(() => received.length === expected.length);
		expect(received.map((r) => r.binary)).toEqual(expected.map(() => true));
		expect(received.map((r) => [...r.data])).toEqual(expected.map((e) => [...e]));
	});

	it('sends nothing after a close, as ws.send does', async () => {
		const { server, client, received } = await pair(false);
		const closed = new Promise((r) => client.once('close', r));
		sendFramed(server, framed(bytes(3)));
		server.close(1000, 'bye');
		const socket = (server as unknown as { _socket: { bytesWritten: number } })._socket;
		const written = socket.bytesWritten;
		sendFramed(server, framed(bytes(4)));
		expect(socket.bytesWritten).toBe(written);
		await closed;
		expect(received.map((r) => [...r.data])).toEqual([[...bytes(3)]]);
	});

	it('takes ws.send on a connection that negotiated compression (the frame would lack its RSV1 bit)', async () => {
		const { server, received } = await pair(true);
		expect(server.extensions).toContain('permessage-deflate');
		const message = framed(bytes(2000));
		sendFramed(server, message);
		expect(message.wire).toBeNull();
		await until(() => received.length === 1);
		expect([...received[0]!.data]).toEqual([...bytes(2000)]);
	});
});
