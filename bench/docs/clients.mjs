// The client fleet of the docs benchmark, run in a worker thread so that the clients' own work (decoding and
// applying every update in up to 200 Y.Docs) never shares an event loop with the server under test — as with
// real browsers on other machines. Plain JavaScript because Node 20 worker threads cannot load TypeScript.
// Tessera and the reference server get the stock y-websocket@3 WebsocketProvider, Hocuspocus its own provider.
// Requests come from ./fleet.ts as { id, op, ...args } and are answered with { id, result } or { id, error }.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as decoding from 'lib0/decoding';
import WS from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { buildPaperDoc, paragraphText, summarise } from './content.mjs';

process.setMaxListeners(0); // every y-websocket provider in Node adds an 'exit' listener

const STORED = 100; // YjsMessage.Stored in src/lib/protocol/docs.ts: [100, varUint n]

/** Frames and bytes all clients received from their servers, for "frames per keystroke". */
const traffic = { frames: 0, bytes: 0 };

/** The ws WebSocket every client uses, counting what it receives. */
class MeteredWS extends WS {
	constructor(url, protocols) {
		super(url, protocols);
		this.on('message', (data) => {
			traffic.frames += 1;
			traffic.bytes += data.byteLength ?? data.length ?? 0;
		});
	}
}

/** Also notes when each update-bearing message (sync step 2 or update) leaves, to time Tessera's Stored acks. */
class CountingWS extends MeteredWS {
	constructor(url, protocols) {
		super(url, protocols);
		/** @type {number[]} send time of update-bearing message k+1 */
		this.sentAt = [];
		this.acked = 0;
	}
	send(data, ...rest) {
		const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
		if (bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) this.sentAt.push(performance.now());
		return super.send(data, ...rest);
	}
}

/**
 * @typedef {{ kind: 'yws' | 'hocus', url: string, room: string, params?: Record<string, string>, acks?: boolean }} Target
 * @typedef {{ doc: Y.Doc, provider: any, url: string, synced: Promise<number>, acks: number[], onAck?: () => void }} Client
 */

/** @type {Map<string, Client[]>} */
const groups = new Map();

/** Connects one client; `synced` resolves with the ms from construction to the first full sync. */
function connect(/** @type {Target} */ t, doc = new Y.Doc()) {
	const started = performance.now();
	/** @type {Client} */
	const client = { doc, provider: null, url: t.url, synced: Promise.resolve(0), acks: [] };
	let resolve = () => {};
	client.synced = new Promise((r) => (resolve = () => r(performance.now() - started)));
	if (t.kind === 'hocus') {
		client.provider = new HocuspocusProvider({ url: t.url, name: t.room, document: doc, WebSocketPolyfill: MeteredWS });
		client.provider.on('synced', ({ state }) => state && resolve());
	} else {
		client.provider = new WebsocketProvider(t.url, t.room, doc, {
			WebSocketPolyfill: t.acks ? CountingWS : MeteredWS,
			params: t.params ?? {},
			disableBc: true // otherwise same-process clients would sync through BroadcastChannel, not the server
		});
		client.provider.on('sync', (/** @type {boolean} */ s) => s && resolve());
		client.provider.messageHandlers[STORED] = (_enc, decoder, provider) => {
			const n = decoding.readVarUint(decoder);
			const ws = provider.ws;
			const now = performance.now();
			for (; ws.acked < n && ws.acked < ws.sentAt.length; ws.acked++) client.acks.push(now - ws.sentAt[ws.acked], ws.sentAt[ws.acked]);
			client.onAck?.();
		};
	}
	return client;
}

async function disconnect(/** @type {Client} */ c) {
	const ws = c.provider.ws ?? c.provider.configuration?.websocketProvider?.webSocket;
	c.provider.destroy();
	c.doc.destroy();
	if (ws) while (ws.readyState !== WS.CLOSED) await sleep(5);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens `count` clients on one document (or one each on `rooms`) and waits until every one has synced. */
async function openGroup({ group, target, count = 1, rooms, tokens }) {
	const list = (rooms ?? Array.from({ length: count }, () => target.room)).map((room, i) =>
		connect({ ...target, room, params: tokens ? { ...target.params, token: tokens[i % tokens.length] } : target.params })
	);
	groups.set(group, [...(groups.get(group) ?? []), ...list]);
	const times = await Promise.all(list.map((c) => c.synced));
	return { clients: list.length, connectMs: summarise(times) };
}

async function closeGroup({ group }) {
	const list = groups.get(group) ?? [];
	groups.delete(group);
	for (let i = 0; i < list.length; i += 50) await Promise.all(list.slice(i, i + 50).map(disconnect));
	return { closed: list.length };
}

/**
 * Fan-out on an open group: writers type one character every `intervalMs` into the text of a paragraph in the
 * `default` fragment and, in the same transaction, put their send time into the `bench` map; every other client
 * records how long after that time it applied the update. Only updates sent inside the measured window count.
 */
async function fanout({ group, writers, intervalMs, warmupMs, durationMs }) {
	const list = groups.get(group);
	if (!list) throw new Error(`no group ${group}`);
	/** @type {number[]} */
	const latencies = [];
	/** The same, split by whether reader and writer are on one server or on two (groups opened on several urls). */
	const sameServer = [];
	const otherServer = [];
	let windowStart = Infinity;
	let windowEnd = Infinity;
	let received = 0;
	const typing = list.slice(0, writers === 'all' ? list.length : 1);
	/** Writer (the key it writes into `bench`) → its server. */
	const serverOf = new Map(typing.map((c) => [String(c.doc.clientID), c.url]));
	const observers = list.map((c) => {
		const meta = c.doc.getMap('bench');
		const fn = (/** @type {Y.YMapEvent<number>} */ e) => {
			if (e.transaction.local) return;
			const now = performance.now();
			for (const key of e.keysChanged) {
				const t = meta.get(key);
				if (!(t >= windowStart && t < windowEnd)) continue;
				latencies.push(now - t);
				received++;
				(serverOf.get(key) === c.url ? sameServer : otherServer).push(now - t);
			}
		};
		meta.observe(fn);
		return () => meta.unobserve(fn);
	});
	for (const c of list) c.acks.length = 0;

	let sent = 0;
	let expectedOtherServer = 0;
	const timers = [];
	typing.forEach((c, i) => {
		const text = paragraphText(c.doc);
		const meta = c.doc.getMap('bench');
		const key = String(c.doc.clientID);
		const onOtherServers = list.filter((r) => r.url !== c.url).length;
		const type = () => {
			const t = performance.now();
			c.doc.transact(() => {
				text().insert(text().length, 'x');
				meta.set(key, t);
			});
			if (t >= windowStart && t < windowEnd) {
				sent++;
				expectedOtherServer += onOtherServers;
			}
		};
		const first = () => {
			type();
			timers.push(setInterval(type, intervalMs));
		};
		timers.push(setTimeout(first, (i * intervalMs) / typing.length));
	});

	await sleep(warmupMs);
	const elu0 = performance.eventLoopUtilization();
	const traffic0 = { ...traffic };
	windowStart = performance.now();
	await sleep(durationMs);
	windowEnd = performance.now();
	const elu = performance.eventLoopUtilization(elu0).utilization;
	const framesIn = traffic.frames - traffic0.frames;
	const bytesIn = traffic.bytes - traffic0.bytes;
	for (const t of timers) clearInterval(t), clearTimeout(t);
	const expected = sent * (list.length - 1);
	const drainUntil = performance.now() + 5000;
	while (received < expected && performance.now() < drainUntil) await sleep(20);
	// Stored acks (Tessera only): for writes sent in the window, however late the ack came.
	const ackDeadline = performance.now() + 5000;
	const acked = () => typing.every((c) => !c.provider.ws?.sentAt || c.provider.ws.acked >= c.provider.ws.sentAt.length);
	if (typing.some((c) => c.provider.ws?.sentAt)) while (!acked() && performance.now() < ackDeadline) await sleep(20);
	observers.forEach((off) => off());
	const acks = [];
	for (const c of typing) for (let i = 0; i < c.acks.length; i += 2) if (c.acks[i + 1] >= windowStart && c.acks[i + 1] < windowEnd) acks.push(c.acks[i]);
	return {
		editors: list.length,
		sent,
		expected,
		received,
		latency: summarise(latencies),
		latencySameServer: summarise(sameServer),
		latencyOtherServer: summarise(otherServer),
		expectedOtherServer,
		stored: acks.length ? { ...summarise(acks), missing: sent - acks.length } : null,
		clientLoop: elu,
		windowMs: windowEnd - windowStart,
		framesIn,
		bytesIn
	};
}

/** @type {Map<string, { update: Uint8Array, text: string }>} */
const contents = new Map();

/** Builds (once) the paper trace's final document, or its first `edits` edits; returns its size. */
function content(name, edits) {
	let c = contents.get(name);
	if (!c) {
		const doc = buildPaperDoc(edits);
		c = { update: Y.encodeStateAsUpdate(doc), text: paragraphText(doc)().toString() };
		contents.set(name, c);
		doc.destroy();
	}
	return c;
}

async function prepare({ name, edits }) {
	const t = performance.now();
	const c = content(name, edits);
	return { bytes: c.update.length, chars: c.text.length, buildMs: performance.now() - t };
}

/**
 * Writes a prepared content into documents through the server: one client per room starts with the whole
 * state, so its sync step 2 carries it. With acks, waits for the Stored ack of that message, then leaves.
 */
async function seed({ target, rooms, name, tokens }) {
	const c = contents.get(name);
	if (!c) throw new Error(`prepare ${name} first`);
	const results = [];
	for (let i = 0; i < rooms.length; i += 20) {
		const batch = rooms.slice(i, i + 20).map(async (room, j) => {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, c.update);
			const client = connect({ ...target, room, params: tokens ? { ...target.params, token: tokens[(i + j) % tokens.length] } : target.params }, doc);
			await client.synced;
			let storedMs = null;
			if (target.acks) {
				const t0 = performance.now();
				const ws = client.provider.ws;
				await new Promise((resolve, reject) => {
					const timer = setTimeout(() => reject(new Error(`no Stored ack for ${room}`)), 60_000);
					client.onAck = () => ws.acked >= ws.sentAt.length && ws.sentAt.length > 0 && (clearTimeout(timer), resolve());
					client.onAck();
				});
				storedMs = performance.now() - t0;
			}
			await disconnect(client);
			return storedMs;
		});
		results.push(...(await Promise.all(batch)));
	}
	return { seeded: rooms.length, storedMs: target.acks ? summarise(results) : null };
}

/**
 * Cold load: opens fresh clients (kept in `group`) on `rooms` and times, for each, the first 'synced' and the
 * moment its text equals the prepared content. A server that syncs before loading shows an empty document first.
 */
async function load({ group, target, rooms, name, tokens }) {
	const c = contents.get(name);
	if (!c) throw new Error(`prepare ${name} first`);
	const runs = rooms.map((room, i) => {
		const started = performance.now();
		const doc = new Y.Doc();
		const text = paragraphText(doc, false);
		const length = () => text()?.length ?? 0;
		const complete = new Promise((resolve) => {
			const check = () => {
				if (length() !== c.text.length) return;
				doc.off('afterTransaction', check);
				resolve(performance.now() - started);
			};
			doc.on('afterTransaction', check);
		});
		const client = connect({ ...target, room, params: tokens ? { ...target.params, token: tokens[i % tokens.length] } : target.params }, doc);
		const emptyAtSync = client.synced.then(() => length() === 0);
		return { client, text, complete, emptyAtSync };
	});
	groups.set(group, [...(groups.get(group) ?? []), ...runs.map((r) => r.client)]);
	const completeMs = await Promise.all(runs.map((r) => r.complete));
	const syncedMs = await Promise.all(runs.map((r) => r.client.synced));
	const emptyAtSync = (await Promise.all(runs.map((r) => r.emptyAtSync))).filter(Boolean).length;
	const exact = runs.every((r) => r.text()?.toString() === c.text);
	return { syncedMs: summarise(syncedMs), completeMs: summarise(completeMs), emptyAtSync, exact };
}

const ops = { openGroup, closeGroup, fanout, prepare, seed, load };

parentPort?.on('message', async ({ id, op, ...args }) => {
	try {
		parentPort.postMessage({ id, result: await ops[op](args) });
	} catch (e) {
		parentPort.postMessage({ id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
	}
});
