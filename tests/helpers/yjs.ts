import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connect as netConnect } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { readAuthMessage } from 'y-protocols/auth';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SyncStep, TEXT_FRAGMENT, YjsMessage } from '../../src/lib/protocol/docs';
import { api, createSpace, joinSpace, type TestUser } from './api';
import type { TestServer } from './server';
import { waitFor } from './wait';

// Twenty providers each add a process 'exit' listener; that is expected here, not a leak.
process.setMaxListeners(200);

// ---------------------------------------------------------------- frames

const frame = (write: (e: encoding.Encoder) => void): Uint8Array => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};

export const syncStep1Frame = (doc: Y.Doc) =>
	frame((e) => (encoding.writeVarUint(e, YjsMessage.Sync), encoding.writeVarUint(e, SyncStep.Step1), encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))));
export const syncStep2Frame = (update: Uint8Array) =>
	frame((e) => (encoding.writeVarUint(e, YjsMessage.Sync), encoding.writeVarUint(e, SyncStep.Step2), encoding.writeVarUint8Array(e, update)));
export const updateFrame = (update: Uint8Array) =>
	frame((e) => (encoding.writeVarUint(e, YjsMessage.Sync), encoding.writeVarUint(e, SyncStep.Update), encoding.writeVarUint8Array(e, update)));
export const awarenessFrame = (payload: Uint8Array) =>
	frame((e) => (encoding.writeVarUint(e, YjsMessage.Awareness), encoding.writeVarUint8Array(e, payload)));

export interface Decoded {
	type: number;
	/** Sync sub-type (0/1/2) for sync frames. */
	step?: number;
	/** The update of a sync step 2 / update, the payload of awareness, n of a Stored ack, the reason of a denial. */
	update?: Uint8Array;
	stored?: number;
	reason?: string;
}

/** Reads one server frame; throws on bytes that are not a frame of ours. */
export function decodeFrame(bytes: Uint8Array): Decoded {
	const d = decoding.createDecoder(bytes);
	const type = decoding.readVarUint(d);
	if (type === YjsMessage.Sync) {
		const step = decoding.readVarUint(d);
		return { type, step, update: decoding.readVarUint8Array(d) };
	}
	if (type === YjsMessage.Awareness) return { type, update: decoding.readVarUint8Array(d) };
	if (type === YjsMessage.Stored) return { type, stored: decoding.readVarUint(d) };
	if (type === YjsMessage.Auth) return { type, reason: (decoding.readVarUint(d), decoding.readVarString(d)) };
	return { type };
}

/** True for a frame that carries document content: sync step 2 or update (what the Stored ack counts). */
export function isUpdateBearing(bytes: Uint8Array): boolean {
	if (bytes.length < 2) return false;
	const d = decoding.createDecoder(bytes);
	if (decoding.readVarUint(d) !== YjsMessage.Sync) return false;
	const step = decoding.readVarUint(d);
	return step === SyncStep.Step2 || step === SyncStep.Update;
}

const toBytes = (data: unknown): Uint8Array =>
	data instanceof ArrayBuffer ? new Uint8Array(data) : Array.isArray(data) ? new Uint8Array(Buffer.concat(data)) : new Uint8Array(data as Buffer);

// ---------------------------------------------------------------- stock clients

interface Connection {
	ws: WebSocket;
	/** Update-bearing frames sent on this connection. */
	sent: number;
	/** The last Stored ack received on this connection. */
	stored: number;
	/** `client.mark()` as each update-bearing frame was sent. */
	marks: number[];
}

export interface YClientOptions {
	/** The server's http:// URL. */
	url: string;
	docId: string;
	token: string;
	/** Ask for Stored acks (`?acks=1`); default true. */
	acks?: boolean;
	doc?: Y.Doc;
	connect?: boolean;
}

/**
 * The stock y-websocket `WebsocketProvider` over `ws`, with two additions from outside: it counts the
 * update-bearing frames it sends per connection and reads our Stored ack `[100, n]`, and it records
 * permission-denied auth messages and close codes. BroadcastChannel is off, so clients in one process
 * can only meet through the server.
 */
export class YClient {
	readonly doc: Y.Doc;
	readonly provider: WebsocketProvider;
	/** 'stored' (n), 'denied' (reason), 'close' ({ code, reason }), 'message' (bytes), 'open'. */
	readonly events = new EventEmitter();
	conn: Connection | null = null;
	/** Sockets created so far: the first, then one per reconnection attempt. */
	connections = 0;
	denied: string[] = [];
	closes: { code: number; reason: string }[] = [];
	/** Acks for more frames than were sent: always a server bug. */
	overAcks = 0;
	/** Evaluated as each update-bearing frame is sent; the highest value whose frame is acknowledged is `ackedMark`. */
	mark: () => number = () => 0;
	ackedMark = 0;

	constructor({ url, docId, token, acks = true, doc = new Y.Doc(), connect = true }: YClientOptions) {
		this.doc = doc;
		const client = this;
		class CountingSocket extends WebSocket {
			constructor(address: string, protocols?: string | string[]) {
				super(address, protocols);
				client.#attach(this);
			}
			override send(data: any, ...rest: any[]): void {
				client.#sending(this, data);
				(super.send as (...a: unknown[]) => void)(data, ...rest);
			}
		}
		this.provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, docId, doc, {
			WebSocketPolyfill: CountingSocket as unknown as typeof globalThis.WebSocket,
			params: acks ? { token, acks: '1' } : { token },
			disableBc: true,
			connect: false,
			maxBackoffTime: 500
		});
		this.provider.messageHandlers[YjsMessage.Stored] = (_encoder, decoder, provider) => {
			this.#stored(provider.ws as unknown as WebSocket, decoding.readVarUint(decoder));
		};
		this.provider.messageHandlers[YjsMessage.Auth] = (_encoder, decoder) => {
			readAuthMessage(decoder, doc, (_y, reason) => (this.denied.push(reason), this.events.emit('denied', reason)));
		};
		if (connect) this.provider.connect();
	}

	#attach(ws: WebSocket) {
		this.conn = { ws, sent: 0, stored: 0, marks: [] };
		this.connections++;
		ws.on('open', () => this.events.emit('open'));
		ws.on('message', (data) => this.events.emit('message', toBytes(data)));
		ws.on('close', (code, reason) => {
			const event = { code, reason: reason.toString() };
			this.closes.push(event);
			this.events.emit('close', event);
		});
	}

	#sending(ws: WebSocket, data: Uint8Array) {
		const conn = this.conn;
		if (!conn || conn.ws !== ws || ws.readyState !== WebSocket.OPEN || !isUpdateBearing(toBytes(data))) return;
		conn.sent++;
		conn.marks.push(this.mark());
	}

	#stored(ws: WebSocket, n: number) {
		const conn = this.conn;
		if (!conn || conn.ws !== ws) return;
		if (n > conn.sent) this.overAcks++;
		conn.stored = Math.max(conn.stored, n);
		if (n > 0) this.ackedMark = Math.max(this.ackedMark, conn.marks[Math.min(n, conn.marks.length) - 1] ?? 0);
		this.events.emit('stored', n);
	}

	get synced(): boolean {
		return this.provider.synced;
	}

	/** Synced, and every update-bearing frame sent on this connection is acknowledged as stored. */
	get allStored(): boolean {
		const c = this.conn;
		return this.provider.wsconnected && this.provider.synced && c !== null && c.sent > 0 && c.stored >= c.sent;
	}

	waitSynced(timeoutMs = 5_000) {
		return waitFor(() => this.provider.synced, { timeoutMs, what: 'sync' });
	}

	waitStored(timeoutMs = 10_000) {
		return waitFor(() => this.allStored, { timeoutMs, what: `Stored ack for ${this.conn?.sent} frames (have ${this.conn?.stored})` });
	}

	/** Resolves with the next close event of this client's socket. */
	nextClose(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
		return new Promise((res, rej) => {
			const t = setTimeout(() => rej(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
			this.events.once('close', (e) => (clearTimeout(t), res(e)));
		});
	}

	/** Drops the socket as a network failure would (no close handshake); the provider reconnects by itself. */
	dropConnection(): void {
		this.conn?.ws.terminate();
	}

	destroy(): void {
		this.provider.destroy();
		this.doc.destroy();
	}
}

/** Opens a stock client and waits until it has synced. */
export async function syncedClient(options: YClientOptions): Promise<YClient> {
	const c = new YClient(options);
	await c.waitSynced();
	return c;
}

// ---------------------------------------------------------------- text content

/** Appends a paragraph to the Tiptap fragment, in one transaction. */
export function appendParagraph(doc: Y.Doc, text: string): void {
	doc.transact(() => {
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(text)]);
		const f = doc.getXmlFragment(TEXT_FRAGMENT);
		f.insert(f.length, [p]);
	});
}

/** The plain text of one paragraph (an XmlElement of XmlText). */
export const paragraphText = (node: unknown): string =>
	node instanceof Y.XmlElement ? node.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : '')).join('') : '';

/** The plain text of each paragraph of the Tiptap fragment. */
export function paragraphs(doc: Y.Doc): string[] {
	return doc.getXmlFragment(TEXT_FRAGMENT).toArray().map(paragraphText);
}

/** Same state vector and same encoded content in every doc. */
export function converged(docs: Y.Doc[]): boolean {
	const sv = Buffer.from(Y.encodeStateVector(docs[0]!)).toString('base64');
	const content = JSON.stringify(docs[0]!.getXmlFragment(TEXT_FRAGMENT).toJSON());
	return docs.every((d) => Buffer.from(Y.encodeStateVector(d)).toString('base64') === sv && JSON.stringify(d.getXmlFragment(TEXT_FRAGMENT).toJSON()) === content);
}

export function waitConverged(clients: YClient[], timeoutMs = 15_000) {
	return waitFor(() => converged(clients.map((c) => c.doc)), { timeoutMs, what: `convergence of ${clients.length} clients` });
}

// ---------------------------------------------------------------- raw clients

/** A bare `ws` client for hand-made frames. `autoPong: false` makes it a client that never answers pings. */
export class RawClient {
	readonly ws: WebSocket;
	readonly messages: Uint8Array[] = [];
	readonly opened: Promise<void>;
	readonly closed: Promise<{ code: number; reason: string }>;
	pings = 0;

	constructor(url: string, path: string, { autoPong = true, headers = {} }: { autoPong?: boolean; headers?: Record<string, string> } = {}) {
		this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, { autoPong, headers });
		this.ws.on('message', (data) => this.messages.push(toBytes(data)));
		this.ws.on('ping', () => this.pings++);
		this.ws.on('error', () => {});
		this.opened = new Promise((res, rej) => {
			this.ws.once('open', () => res());
			this.ws.once('unexpected-response', (_req, r) => rej(new Error(`upgrade refused with ${r.statusCode}`)));
			this.ws.once('close', () => rej(new Error('closed before open')));
		});
		this.opened.catch(() => {});
		this.closed = new Promise((res) => this.ws.once('close', (code, reason) => res({ code, reason: reason.toString() })));
	}

	/** Sends a frame, or nothing once the socket is no longer open (the server may already have closed it). */
	send(bytes: Uint8Array): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
	}

	/** The first message (already received or still to come) that `accept` likes. */
	message(accept: (d: Decoded) => boolean, timeoutMs = 5_000): Promise<Decoded> {
		const seen = this.messages.map(safeDecode).find((d) => d && accept(d));
		if (seen) return Promise.resolve(seen);
		return new Promise((res, rej) => {
			const t = setTimeout(() => (this.ws.off('message', on), rej(new Error(`no matching message within ${timeoutMs} ms`))), timeoutMs);
			const on = (data: unknown) => {
				const d = safeDecode(toBytes(data));
				if (d && accept(d)) (clearTimeout(t), this.ws.off('message', on), res(d));
			};
			this.ws.on('message', on);
		});
	}

	close(): void {
		this.ws.terminate();
	}
}

const safeDecode = (b: Uint8Array): Decoded | null => {
	try {
		return decodeFrame(b);
	} catch {
		return null;
	}
};

/** Opens a raw client with `?token=`, sends sync step 1 for an empty doc and waits for the server's sync step 2. */
export async function rawSynced(url: string, docId: string, token: string, options: { autoPong?: boolean; acks?: boolean } = {}): Promise<RawClient> {
	const c = new RawClient(url, `/yjs/${docId}?token=${encodeURIComponent(token)}${options.acks ? '&acks=1' : ''}`, options);
	await c.opened;
	c.send(syncStep1Frame(new Y.Doc()));
	await c.message((d) => d.type === YjsMessage.Sync && d.step === SyncStep.Step2);
	return c;
}

/**
 * Sends a WebSocket upgrade by hand over TCP and returns the HTTP status and every byte the server sent
 * until it closed. A refusal must be a plain HTTP answer: no 101, no frame.
 */
export function rawUpgrade(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; response: string }> {
	const { hostname, port } = new URL(url);
	return new Promise((res, rej) => {
		const socket = netConnect(Number(port), hostname);
		const chunks: Buffer[] = [];
		const timer = setTimeout(() => (socket.destroy(), rej(new Error(`no complete answer to ${path} within 5000 ms`))), 5_000);
		const status = () => Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 0);
		socket.on('data', (c) => {
			chunks.push(c);
			// An accepted upgrade never ends by itself: report the 101 as soon as it shows.
			if (status() === 101) (clearTimeout(timer), socket.destroy(), res({ status: 101, response: Buffer.concat(chunks).toString('latin1') }));
		});
		socket.on('close', () => (clearTimeout(timer), res({ status: status(), response: Buffer.concat(chunks).toString('latin1') })));
		socket.on('error', () => {});
		const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
		socket.write(
			`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
				`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
		);
	});
}

// ---------------------------------------------------------------- documents and the relay

export async function createDocument(url: string, who: { token: string }, spaceId: string, body: Record<string, unknown> = { kind: 'text', title: 'A document' }): Promise<string> {
	const res = await api(url, `/api/v1/spaces/${spaceId}/documents`, { token: who.token, body });
	if (res.status !== 201) throw new Error(`create document failed: ${res.status} ${res.text}`);
	return res.body.id as string;
}

/** A space owned by `owner` with `members` and `observers` in it, and one document of `kind`. */
export async function sharedDocument(
	url: string,
	owner: TestUser,
	{ members = [], observers = [], kind = 'text' }: { members?: TestUser[]; observers?: TestUser[]; kind?: 'text' | 'canvas' } = {}
): Promise<{ spaceId: string; docId: string }> {
	const spaceId = await createSpace(url, owner);
	for (const m of members) await joinSpace(url, owner, m, spaceId, 'member');
	for (const o of observers) await joinSpace(url, owner, o, spaceId, 'observer');
	const docId = await createDocument(url, owner, spaceId, { kind, title: `A ${kind}` });
	return { spaceId, docId };
}

/** The relay's own counters: loaded documents, open connections, dropped observer updates, malformed frames... */
export function relayStats(server: TestServer) {
	return server.app.docs.relay.stats();
}

/** The stored state of a document as the server would load it: read through a fresh raw client's sync step 2. */
export async function storedState(url: string, docId: string, token: string): Promise<Y.Doc> {
	const c = await rawSynced(url, docId, token);
	const step2 = await c.message((d) => d.type === YjsMessage.Sync && d.step === SyncStep.Step2);
	c.close();
	const doc = new Y.Doc();
	Y.applyUpdate(doc, step2.update!);
	return doc;
}

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: a small seeded PRNG, so a failing run can be repeated exactly. */
export function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n: number) => Math.floor(next() * n);
	return {
		next,
		int,
		pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
		bytes: (n: number) => Uint8Array.from({ length: n }, () => int(256)),
		word: (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz '[int(27)]).join('')
	};
}

/** A client that types into a paragraph of its own, starting with `prefix`; `typed` is what it has typed since. */
export interface Typist {
	c: YClient;
	prefix: string;
	typed: string;
	text: Y.XmlText | null;
}

/**
 * Each typist writes its prefix as a paragraph of its own and waits until it is stored; once every client has
 * every paragraph, each gets its paragraph's text to type into, and its Stored acks mark how much was typed.
 */
export async function claimParagraphs(typists: Typist[]): Promise<void> {
	for (const t of typists) {
		await t.c.waitSynced();
		appendParagraph(t.c.doc, t.prefix);
		await t.c.waitStored();
	}
	await waitConverged(typists.map((t) => t.c));
	for (const t of typists) {
		const mine = t.c.doc.getXmlFragment(TEXT_FRAGMENT).toArray().find((p) => paragraphText(p) === t.prefix) as Y.XmlElement;
		t.text = mine.get(0) as Y.XmlText;
		t.c.mark = () => t.typed.length;
	}
}
