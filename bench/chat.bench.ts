/**
 * Chat under load: 500 socket.io-client connections in 50 spaces of 10 (clients in a worker thread), every
 * client sending at a steady rate. Measures delivery latency of the original to the other members of the
 * room (send → `chat:message`), send → ack, acknowledged messages/s, and — with a LibreTranslate stand-in in
 * a worker of its own — the share of translations served without asking the translator, under a realistic
 * mix of repeated short phrases (bench/chat/phrases.mjs). Every server runs as its own process, one at a time,
 * as it is deployed: Tessera (the server entry bundled from source), and two references, bare Socket.IO (no
 * storage) and a naive store-then-broadcast server (one INSERT per message, same database). Writes the chat
 * section of bench/RESULTS.md (BENCH_CHAT_QUICK=1: a short run that only prints; BENCH_CHAT_RATES=2: only
 * those per-client rates; BENCH_CHAT_ONLY=tessera: only the servers whose names contain it).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { availableDrivers, postgresAdminUrl } from '../tests/helpers/server';
import { startClients, type LoadResult, type Seat } from './chat/fleet';
import { startReference, type ChatSubject } from './chat/reference';
import { recordChatResults, type ChatRun } from './chat/report';
import { startTessera } from './chat/tessera';
import { startTranslator } from './chat/translator-stand-in';
import { quietMachine } from './quiet';
import { processCpuMs } from './scale/deployment';

const QUICK = process.env.BENCH_CHAT_QUICK === '1';
const SPACES = QUICK ? 10 : 50;
const MEMBERS = 10;
/** Reading languages of the 10 seats in every space: each message needs two other languages. */
const LANGS = ['en', 'en', 'en', 'en', 'en', 'es', 'es', 'es', 'fr', 'fr'];
/** Messages per second per client: × 500 clients = 500, 1,000 (the goal) and 1,500 messages/s in. */
const RATES = process.env.BENCH_CHAT_RATES ? process.env.BENCH_CHAT_RATES.split(',').map(Number) : [1, 2, 3];
const GOAL_RATE = 2;
const TIMING = QUICK ? { warmupMs: 500, durationMs: 2000, drainMs: 1000 } : { warmupMs: 2000, durationMs: 10_000, drainMs: 2000 };
const ROUNDS = QUICK ? 1 : 3;
const TRANSLATOR_DELAY_MS = 30;

const log = (...args: unknown[]) => console.log('[chat bench]', ...args);

it('chat: delivery latency, acks and throughput at 500 clients in 50 spaces — Tessera vs bare Socket.IO and a naive store-then-broadcast server', { timeout: 3 * 3600_000 }, async () => {
	if (!QUICK) await quietMachine(log);
	const start = loadavg();
	const drivers = await availableDrivers();
	const translator = startTranslator(TRANSLATOR_DELAY_MS);
	const translatorUrl = await translator.ready;
	const clients = startClients();
	const subjects: { subject: () => Promise<ChatSubject>; name: string }[] = [
		{ name: 'bare Socket.IO', subject: () => startReference({ spaceCount: SPACES }) },
		...drivers.flatMap((driver) => [
			{ name: `naive (${driver})`, subject: () => startReference({ spaceCount: SPACES, store: { driver, adminUrl: postgresAdminUrl } }) },
			{
				name: `Tessera (${driver})`,
				subject: () =>
					startTessera({
						driver,
						spaceCount: SPACES,
						members: MEMBERS,
						// The per-person send limit and moderation's flood and repetition limits are policy, not capacity: lifted
						// so they cannot cap the measured rate (bench clients repeat phrases from a pool); every other hook runs.
						env: {
							CHAT_SEND_BURST: '1000',
							CHAT_SEND_PER_SECOND: '1000',
							MODERATION_FLOOD_PER_MINUTE: '0',
							MODERATION_REPEAT_LIMIT: '0',
							TRANSLATOR: 'libretranslate',
							LIBRETRANSLATE_URL: translatorUrl
						}
					})
			}
		])
	];
	// BENCH_CHAT_ONLY=bare,naive: try the harness on some servers only.
	const only = process.env.BENCH_CHAT_ONLY?.split(',').filter(Boolean);
	if (only) subjects.splice(0, subjects.length, ...subjects.filter((s) => only.some((o) => s.name.toLowerCase().includes(o.toLowerCase()))));
	const runs: ChatRun[] = [];
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			for (const { subject: startSubject } of subjects) {
				const subject = await startSubject();
				try {
					const seats: Seat[] = subject.spaces.flatMap((spaceId) => LANGS.map((lang, i) => ({ spaceId, lang, token: subject.tokens[i] })));
					const opened = await clients.open({ url: subject.url, seats });
					log(`${subject.name}: ${opened.clients} clients connected in ${opened.connectMs.toFixed(0)} ms`);
					for (const rate of RATES) {
						await translator.reset();
						const cpuBefore = processCpuMs(subject.pid);
						const t0 = performance.now();
						const result: LoadResult = await clients.load({ perClientPerSecond: rate, seed: round * 100 + rate, ...TIMING });
						const serverCpu = (processCpuMs(subject.pid) - cpuBefore) / (performance.now() - t0);
						const upstream = await translator.stats();
						runs.push({ round, subject: subject.name, persistence: subject.persistence, rate, offered: rate * seats.length, result, upstream, serverCpu });
						log(
							`round ${round} ${subject.name} @ ${rate * seats.length}/s: delivered p50 ${result.delivered.p50.toFixed(2)} p99 ${result.delivered.p99.toFixed(2)} ms ` +
								`(${result.delivered.n}/${result.expectedDeliveries}), ack p99 ${result.ack.p99.toFixed(2)} ms, acked ${result.acked}/${result.sent}, ` +
								`translations ${result.translations} (upstream texts ${upstream.texts}), server CPU ${Math.round(serverCpu * 100)} %, clients ${Math.round(result.clientLoop * 100)} %` +
								(Object.keys(result.errors).length ? `, errors ${JSON.stringify(result.errors)}` : '')
						);
					}
				} finally {
					await clients.disconnect();
					await subject.close();
				}
			}
		}
		// A partial run (some servers or rates only) only prints.
		const section = recordChatResults(QUICK || Boolean(only) || Boolean(process.env.BENCH_CHAT_RATES), {
			date: new Date().toISOString().slice(0, 10),
			load: { start, end: loadavg() },
			spaces: SPACES,
			members: MEMBERS,
			langs: LANGS,
			timing: TIMING,
			rounds: ROUNDS,
			goalRate: GOAL_RATE,
			translatorDelayMs: TRANSLATOR_DELAY_MS,
			runs
		});
		console.log(`\n${section}`);
	} finally {
		await clients.close();
		await translator.close();
	}
});
