// The client side of the chat benchmark, in a worker thread so that 500 socket.io-client connections never
// share an event loop with the server under test (as real browsers on other machines would not).
// Plain JavaScript because Node 20 worker threads cannot load TypeScript.
// Requests come from ./fleet.ts as { id, op, ...args } and are answered with { id, result } or { id, error }.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { io } from 'socket.io-client';
import { messageFor } from './phrases.mjs';

/**
 * @typedef {{ token?: string, spaceId: string, lang: string, url?: string }} Seat
 * @typedef {{ socket: import('socket.io-client').Socket, seat: Seat, index: number, sent: number }} Client
 */

/** @type {Client[]} */
let clients = [];
/** clientId → send time, for every message sent in the measured window. */
const sentAt = new Map();
/** State of the current run (null between runs). */
let run = null;

function summarise(values) {
	if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
	const sorted = Float64Array.from(values).sort();
	const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
	return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], mean: values.reduce((a, b) => a + b, 0) / values.length };
}

const ops = {
	/** Connects one socket per seat (to the seat's own url, if it has one), joins its space and sets its reading language. */
	async open({ url, seats }) {
		const started = performance.now();
		clients = seats.map((seat, index) => {
			const socket = io(seat.url ?? url, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth: seat.token ? { token: seat.token } : {} });
			const client = { socket, seat, index, sent: 0 };
			socket.on('chat:message', (m) => {
				if (!run || m.authorId === undefined) return;
				// A translation the server had ready comes inside the message.
				if (m.translation) run.translated.add(`${m.id}/${m.translation.lang}`);
				const t = sentAt.get(m.clientId);
				if (t === undefined) return;
				const author = Number(m.clientId.slice(0, m.clientId.indexOf('-')));
				if (author === index) return; // the author's own echo
				const latency = performance.now() - t;
				run.delivered.push(latency);
				// With several servers: did the message reach this reader through the author's server or another one?
				(clients[author]?.seat.url === seat.url ? run.sameServer : run.otherServer).push(latency);
			});
			socket.on('chat:translation', (t) => {
				if (!run) return;
				run.translationEvents += 1;
				run.translated.add(`${t.messageId}/${t.lang}`);
			});
			socket.on('chat:translation-unavailable', () => {
				if (run) run.unavailable += 1;
			});
			return client;
		});
		await Promise.all(
			clients.map(
				(c) =>
					new Promise((resolve, reject) => {
						const fail = (e) => reject(new Error(`client ${c.index}: ${e?.message ?? e}`));
						c.socket.once('connect_error', fail);
						c.socket.once('connect', () => {
							c.socket.emit('space:join', { spaceId: c.seat.spaceId }, (res) => {
								if (!res?.ok) return fail(new Error(`space:join refused: ${JSON.stringify(res?.error)}`));
								c.socket.emit('chat:language', { lang: c.seat.lang }, (r) => (r?.ok ? resolve() : fail(new Error(`chat:language refused: ${JSON.stringify(r?.error)}`))));
							});
						});
					})
			)
		);
		return { clients: clients.length, connectMs: performance.now() - started };
	},

	/**
	 * Every client sends at `perClientPerSecond` (phases spread evenly) for warm-up plus the window; only
	 * messages sent inside the window are measured. Waits `drainMs` after the window for late deliveries.
	 */
	async load({ perClientPerSecond, warmupMs, durationMs, drainMs = 2000, seed = 1 }) {
		const intervalMs = 1000 / perClientPerSecond;
		run = { delivered: [], sameServer: [], otherServer: [], acks: [], errors: new Map(), translated: new Set(), translationEvents: 0, unavailable: 0, sentInWindow: 0, ackedInWindow: 0 };
		sentAt.clear();
		const t0 = performance.now();
		const windowStart = t0 + warmupMs;
		const windowEnd = windowStart + durationMs;
		const eluStart = { value: null };
		const timers = [];
		for (const c of clients) {
			const phase = (c.index * intervalMs) / clients.length;
			let k = 0; // sends in this run (c.sent counts across runs, for unique client ids)
			const tick = () => {
				const now = performance.now();
				if (now >= windowEnd) return;
				const inWindow = now >= windowStart;
				if (inWindow && eluStart.value === null) eluStart.value = performance.eventLoopUtilization();
				const n = c.sent++;
				k += 1;
				const clientId = `${c.index}-${n}`;
				const text = messageFor({ lang: c.seat.lang, seed, client: c.index, n });
				if (inWindow) {
					sentAt.set(clientId, now);
					run.sentInWindow += 1;
				}
				const r = run; // an ack may come after this run has ended
				c.socket.emit('chat:send', { spaceId: c.seat.spaceId, clientId, text, lang: c.seat.lang }, (res) => {
					if (!inWindow) return;
					if (res?.ok) {
						r.acks.push(performance.now() - now);
						r.ackedInWindow += 1;
					} else {
						const code = res?.error?.code ?? 'no_ack';
						r.errors.set(code, (r.errors.get(code) ?? 0) + 1);
					}
				});
				// Scheduled from the ideal start times, so a late tick does not slow the offered rate down.
				const next = t0 + phase + k * intervalMs - performance.now();
				timers.push(setTimeout(tick, Math.max(0, next)));
			};
			timers.push(setTimeout(tick, phase));
		}
		await new Promise((r) => setTimeout(r, warmupMs + durationMs));
		const clientLoop = eluStart.value ? performance.eventLoopUtilization(eluStart.value).utilization : NaN;
		await new Promise((r) => setTimeout(r, drainMs));
		timers.forEach(clearTimeout);
		const receivers = clients.length / new Set(clients.map((c) => c.seat.spaceId)).size - 1;
		const result = {
			sent: run.sentInWindow,
			acked: run.ackedInWindow,
			errors: Object.fromEntries(run.errors),
			expectedDeliveries: run.sentInWindow * receivers,
			delivered: summarise(run.delivered),
			deliveredSameServer: summarise(run.sameServer),
			deliveredOtherServer: summarise(run.otherServer),
			ack: summarise(run.acks),
			translations: run.translated.size,
			translationEvents: run.translationEvents,
			unavailable: run.unavailable,
			clientLoop,
			windowMs: durationMs
		};
		run = null;
		return result;
	},

	async close() {
		for (const c of clients) c.socket.disconnect();
		clients = [];
		return { closed: true };
	}
};

parentPort.on('message', async ({ id, op, ...args }) => {
	try {
		parentPort.postMessage({ id, result: await ops[op](args) });
	} catch (e) {
		parentPort.postMessage({ id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
	}
});
