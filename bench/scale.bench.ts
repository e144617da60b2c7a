/**
 * Scale-out (issue 7): the chat and docs scenarios against Tessera run as child processes on PostgreSQL —
 * (a) one process without Redis, (b) one process with REDIS_URL (the adapter's own cost), (c) two processes on
 * Redis with the clients split between them — plus the Redis round trip per broadcast, measured directly. The
 * clients run in worker threads of this process, the servers in their own processes, so two servers can use
 * both cores. Writes the scale section of bench/RESULTS.md (BENCH_SCALE_QUICK=1: a short run that only prints).
 */
import { loadavg } from 'node:os';
import { it } from 'vitest';
import { redisProblem, redisUrl } from '../tests/helpers/cluster';
import { startClients } from './chat/fleet';
import { startTranslator } from './chat/translator-stand-in';
import { startFleet } from './docs/fleet';
import type { FanoutCase } from './docs/scenarios';
import { quietMachine } from './quiet';
import { CASES, startDeployment } from './scale/deployment';
import { measureRedisRoundTrip } from './scale/redis-rtt';
import { recordScaleResults } from './scale/report';
import { runChat, runDocs, seed, type ChatRun, type DocsRun } from './scale/scenarios';

const QUICK = process.env.BENCH_SCALE_QUICK === '1';
const SPACES = QUICK ? 10 : 50;
const MEMBERS = 10;
/** As in the chat bench: every message needs two translations. */
const LANGS = ['en', 'en', 'en', 'en', 'en', 'es', 'es', 'es', 'fr', 'fr'];
/** Messages per second per client: × 500 clients = 250, 500 and 1,000 messages/s in (a 2-core machine). */
const RATES = QUICK ? [1, 2] : [0.5, 1, 2];
const CHAT_TIMING = QUICK ? { warmupMs: 500, durationMs: 2000, drainMs: 1000 } : { warmupMs: 2000, durationMs: 10_000, drainMs: 2000 };
const EDITORS = QUICK ? 10 : 50;
/** One typist every 20 ms, or everyone typing with 50 keystrokes/s in total, as in the docs bench. */
const DOCS_CASES: FanoutCase[] = [
	{ editors: EDITORS, writers: 'one', intervalMs: 20 },
	{ editors: EDITORS, writers: 'all', intervalMs: EDITORS * 20 }
];
const DOCS_TIMING = QUICK ? { warmupMs: 500, durationMs: 2000 } : { warmupMs: 2000, durationMs: 10_000 };
const ROUNDS = QUICK ? 1 : 2;
const REDIS_MESSAGES = QUICK ? 500 : 5000;
const TRANSLATOR_DELAY_MS = 30;

const log = (...args: unknown[]) => console.log('[scale bench]', ...args);

it('scale: chat and docs on one process, one with Redis and two with Redis, and the Redis round trip per broadcast', { timeout: 3 * 3600_000 }, async () => {
	const problem = await redisProblem();
	if (problem) throw new Error(`the scale bench needs Redis at ${redisUrl} (${problem}); set REDIS_URL`);
	if (!QUICK) await quietMachine(log);
	const start = loadavg();
	const redis = await measureRedisRoundTrip({ count: REDIS_MESSAGES });
	log(`Redis round trip, one at a time: PING p50 ${redis.ping.p50.toFixed(3)} ms; PUBLISH → message p50 ${redis.publish.p50.toFixed(3)} p99 ${redis.publish.p99.toFixed(3)} ms; XADD → XREAD BLOCK p50 ${redis.stream.p50.toFixed(3)} p99 ${redis.stream.p99.toFixed(3)} ms`);

	const translator = startTranslator(TRANSLATOR_DELAY_MS);
	const env = {
		// Policy, not capacity (as in the chat bench): lifted so they cannot cap the measured rate.
		CHAT_SEND_BURST: '1000',
		CHAT_SEND_PER_SECOND: '1000',
		MODERATION_FLOOD_PER_MINUTE: '0',
		MODERATION_REPEAT_LIMIT: '0',
		LOGIN_MAX_PER_ACCOUNT: '100000',
		SIGNUPS_PER_IP_PER_HOUR: '100000',
		TRANSLATOR: 'libretranslate',
		LIBRETRANSLATE_URL: await translator.ready
	};
	const clients = startClients();
	const fleet = startFleet();
	const chat: ChatRun[] = [];
	const docs: DocsRun[] = [];
	try {
		// Rounds through every case in turn, so that whatever else runs on the machine disturbs each alike.
		for (let round = 1; round <= ROUNDS; round++) {
			for (const c of CASES) {
				const deployment = await startDeployment(c, env);
				try {
					log(`${c.name}: ${deployment.urls.join(', ')}${deployment.prefix ? ` (Redis prefix ${deployment.prefix})` : ''}`);
					const seeded = await seed(deployment, { spaceCount: SPACES, members: MEMBERS });
					chat.push(...(await runChat({ deployment, round, clients, translator, seeded, langs: LANGS, rates: RATES, timing: CHAT_TIMING, log })));
					docs.push(...(await runDocs({ deployment, round, fleet, seeded, cases: DOCS_CASES, timing: DOCS_TIMING, log })));
				} finally {
					await deployment.close();
				}
			}
		}
		const section = recordScaleResults(QUICK, {
			date: new Date().toISOString().slice(0, 10),
			load: { start, end: loadavg() },
			rounds: ROUNDS,
			spaces: SPACES,
			members: MEMBERS,
			langs: LANGS,
			chatTiming: CHAT_TIMING,
			docsTiming: DOCS_TIMING,
			translatorDelayMs: TRANSLATOR_DELAY_MS,
			redis,
			chat,
			docs
		});
		console.log(`\n${section}`);
	} finally {
		await clients.close();
		await fleet.close();
		await translator.close();
	}
});
