import { describeMachine } from '../docs/report';
import { writeSection } from '../results';
import { CASES, type DeploymentCase } from './deployment';
import type { RedisRoundTrip, Summary } from './redis-rtt';
import type { ChatRun, DocsRun } from './scenarios';

const KEY = '### scale · one process and two on Redis';

export interface ScaleResults {
	date: string;
	load: { start: number[]; end: number[] };
	rounds: number;
	spaces: number;
	members: number;
	langs: string[];
	chatTiming: { warmupMs: number; durationMs: number; drainMs: number };
	docsTiming: { warmupMs: number; durationMs: number };
	translatorDelayMs: number;
	redis: RedisRoundTrip;
	chat: ChatRun[];
	docs: DocsRun[];
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '–');
const median = (v: number[]) => {
	const s = v.filter(Number.isFinite).sort((a, b) => a - b);
	return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const label = (c: DeploymentCase) => `(${c.id}) ${c.name}`;
const quantiles = (s: Summary[]) => (s.every((x) => x.n === 0) ? '–' : `${f(median(s.map((x) => x.p50)))} / ${f(median(s.map((x) => x.p99)))}`);
const serverCpu = (runs: { cpu: { servers: number[] } }[]) => {
	const n = runs[0]?.cpu.servers.length ?? 0;
	return Array.from({ length: n }, (_, i) => pct(median(runs.map((r) => r.cpu.servers[i]!)))).join(' + ');
};
/** A Markdown table whose first `left` columns are labels and the rest numbers. */
const table = (head: string[], rows: string[][], left = 2) => [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < left ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];

/** Renders the scale section and, unless `dryRun`, puts it into bench/RESULTS.md. */
export function recordScaleResults(dryRun: boolean, r: ScaleResults): string {
	const cases = CASES.filter((c) => r.chat.some((x) => x.case.id === c.id) || r.docs.some((x) => x.case.id === c.id));
	const rates = [...new Set(r.chat.map((x) => x.rate))].sort((a, b) => a - b);
	const clients = r.spaces * r.members;
	const chatCell = (id: string, rate: number) => r.chat.filter((x) => x.case.id === id && x.rate === rate);
	const ackedPerSecond = (runs: ChatRun[]) => median(runs.map((x) => (x.result.acked / x.result.windowMs) * 1000));
	const chatP99 = (runs: ChatRun[]) => median(runs.map((x) => x.result.delivered.p99));
	const docsCases = [...new Map(r.docs.map((x) => [`${x.fanout.editors}/${x.fanout.writers}`, x.fanout])).values()];
	const docsCell = (id: string, c: (typeof docsCases)[number]) => r.docs.filter((x) => x.case.id === id && x.fanout === c);
	const docsP99 = (runs: DocsRun[]) => median(runs.map((x) => x.result.latency.p99));
	const docsLabel = (c: (typeof docsCases)[number]) => `${c.editors} editors, ${c.writers === 'one' ? 'one typing (every 20 ms)' : `all typing (each every ${c.intervalMs} ms)`}`;

	const chatRows = rates.flatMap((rate) =>
		cases.map((c) => {
			const runs = chatCell(c.id, rate);
			const sum = (pick: (x: ChatRun) => number) => runs.reduce((a, x) => a + pick(x), 0);
			const errors = runs.flatMap((x) => Object.entries(x.result.errors)).reduce<Record<string, number>>((a, [k, v]) => ({ ...a, [k]: (a[k] ?? 0) + v }), {});
			return [
				`${rate * clients}/s`,
				label(c),
				f(ackedPerSecond(runs), 0),
				f(median(runs.map((x) => x.result.delivered.p50))),
				f(chatP99(runs)),
				quantiles(runs.map((x) => x.result.deliveredSameServer)),
				quantiles(runs.map((x) => x.result.deliveredOtherServer)),
				`${sum((x) => x.result.delivered.n)}/${sum((x) => x.result.expectedDeliveries)}`,
				quantiles(runs.map((x) => x.result.ack)),
				Object.keys(errors).length ? Object.entries(errors).map(([k, v]) => `${k} ${v}`).join(', ') : '0',
				serverCpu(runs),
				pct(median(runs.map((x) => x.cpu.machine))),
				pct(median(runs.map((x) => x.result.clientLoop)))
			];
		})
	);
	const has = (id: string) => cases.some((c) => c.id === id);
	const pairs = [
		['c', 'a'],
		['b', 'a'],
		['c', 'b']
	].filter(([x, y]) => has(x!) && has(y!)) as [string, string][];
	const chatRatioRows = rates.map((rate) => [
		`${rate * clients}/s`,
		...pairs.flatMap(([x, y]) => [f(ratio(ackedPerSecond(chatCell(x, rate)), ackedPerSecond(chatCell(y, rate)))), f(ratio(chatP99(chatCell(x, rate)), chatP99(chatCell(y, rate))))])
	]);

	const docsRows = docsCases.flatMap((dc) =>
		cases.map((c) => {
			const runs = docsCell(c.id, dc);
			const sum = (pick: (x: DocsRun) => number) => runs.reduce((a, x) => a + pick(x), 0);
			const stored = runs.map((x) => x.result.stored).filter((x) => x !== null);
			return [
				docsLabel(dc),
				label(c),
				f(median(runs.map((x) => x.result.latency.p50))),
				f(docsP99(runs)),
				quantiles(runs.map((x) => x.result.latencySameServer)),
				quantiles(runs.map((x) => x.result.latencyOtherServer)),
				`${sum((x) => x.result.received)}/${sum((x) => x.result.expected)}`,
				`${sum((x) => x.result.latencyOtherServer.n)}/${sum((x) => x.result.expectedOtherServer)}`,
				stored.length ? `${f(median(stored.map((x) => x.p50)), 1)} / ${f(median(stored.map((x) => x.p99)), 1)}` : '–',
				serverCpu(runs),
				pct(median(runs.map((x) => x.cpu.machine))),
				pct(median(runs.map((x) => x.result.clientLoop)))
			];
		})
	);
	const docsRatioRows = docsCases.map((dc) => [docsLabel(dc), ...pairs.map(([x, y]) => f(ratio(docsP99(docsCell(x, dc)), docsP99(docsCell(y, dc)))))]);

	// Indirect Redis cost: in (c), a reader on another process than the author's minus one on the same process;
	// and (b) − (a), the adapter's cost when every broadcast goes out to Redis and back to the same process.
	const diff = (a: Summary[], b: Summary[], q: 'p50' | 'p99') => median(a.map((x) => x[q])) - median(b.map((x) => x[q]));
	const indirectRows = [
		...rates.map((rate) => {
			const c = chatCell('c', rate);
			const other = c.map((x) => x.result.deliveredOtherServer);
			const same = c.map((x) => x.result.deliveredSameServer);
			const b = chatCell('b', rate).map((x) => x.result.delivered);
			const a = chatCell('a', rate).map((x) => x.result.delivered);
			return [`chat @ ${rate * clients}/s`, `${f(diff(other, same, 'p50'))} / ${f(diff(other, same, 'p99'))}`, `${f(diff(b, a, 'p50'))} / ${f(diff(b, a, 'p99'))}`];
		}),
		...docsCases.map((dc) => {
			const c = docsCell('c', dc);
			const other = c.map((x) => x.result.latencyOtherServer);
			const same = c.map((x) => x.result.latencySameServer);
			const b = docsCell('b', dc).map((x) => x.result.latency);
			const a = docsCell('a', dc).map((x) => x.result.latency);
			const across = other.every((x) => x.n === 0) ? '– (nothing crossed)' : `${f(diff(other, same, 'p50'))} / ${f(diff(other, same, 'p99'))}`;
			return [`docs, ${docsLabel(dc)}`, across, `${f(diff(b, a, 'p50'))} / ${f(diff(b, a, 'p99'))}`];
		})
	];

	const lines = [
		KEY,
		'',
		`Measured ${r.date} on ${describeMachine('PostgreSQL and Redis on the same machine (127.0.0.1, TCP)')}. Load average ${r.load.start.map((x) => x.toFixed(2)).join(' / ')} at the start and ${r.load.end.map((x) => x.toFixed(2)).join(' / ')} at the end.`,
		'',
		`Three deployments of the same code, each a child process of the benchmark (the server entry bundled from source, as \`spawnServer\` in tests/helpers/yjs-store.ts runs it) on a fresh PostgreSQL database and, with Redis, a fresh key prefix, both removed afterwards:`,
		'',
		'- **(a) one process** without Redis: the baseline, Socket.IO\'s in-memory adapter.',
		'- **(b) one process + Redis** (`REDIS_URL`): every broadcast goes through the Redis Streams adapter (XADD, then read back by the same process) and the rate limits through Redis — the cost of scale-out mode with nobody to share with.',
		'- **(c) two processes + Redis**: the clients split half and half between them, so most readers get each message or update from the other process, through Redis.',
		'',
		`The clients run in worker threads of the benchmark process (socket.io-client for chat, y-websocket providers for docs), as in the chat and docs sections. **This is one 2-core machine**: the two server processes share it with the clients, PostgreSQL, Redis and the translator stand-in, so two processes can use both cores only when nothing else needs them. The numbers show what a second process costs and what it buys here, not what two machines would do; where (c) is not faster than (a), that is the finding. Server CPU is each server process's CPU time ÷ wall time during the run (100 % = one core); machine = share of both cores busy with anything.`,
		'',
		'#### Chat',
		'',
		`${clients} socket.io-client connections in ${r.spaces} spaces of ${r.members} (seat i of every space on process i mod n: in (c), ${Math.ceil(r.members / 2) - 1} of each message's ${r.members - 1} readers share the author's process and ${Math.floor(r.members / 2)} are on the other), every client sending at a steady rate (${rates.map((x) => x * clients).join(', ')} messages/s in). ${r.chatTiming.durationMs / 1000} s measured after ${r.chatTiming.warmupMs / 1000} s of warm-up, ${r.rounds} round(s) through the three deployments in turn; p50/p99 are medians of the rounds' values. Readers ${r.langs.join(', ')}; translation through the LibreTranslate stand-in (${r.translatorDelayMs} ms per request) shared by both processes. The per-person send limit and moderation's flood and repetition limits are lifted (policy, not capacity). Acked/s equals the offered rate while a deployment keeps up, so the throughput ratio says something only where one falls behind; below that, compare p99.`,
		'',
		...table(
			['offered', 'deployment', 'acked/s', 'delivered p50 ms', 'delivered p99 ms', 'same process p50 / p99', 'other process p50 / p99', 'deliveries', 'ack p50 / p99', 'errors', 'server CPU', 'machine busy', 'clients busy'],
			chatRows
		),
		'',
		'Ratios (acked/s: above 1 carries more; p99: below 1 is faster):',
		'',
		...table(['offered', ...pairs.flatMap(([x, y]) => [`acked/s (${x}) ÷ (${y})`, `p99 (${x}) ÷ (${y})`])], chatRatioRows, 1),
		'',
		...chatVerdict(r, rates, clients, chatCell, ackedPerSecond, chatP99),
		'',
		'Translations, as a check that readers on every process get them (warm-up included, summed over rounds): distinct (message, language) translations that reached readers, texts the stand-in was asked for (more than in (a) means processes translate the same text each on its own), and `chat:translation-unavailable` events.',
		'',
		...table(
			['offered', 'deployment', 'translations delivered', 'texts sent upstream', 'unavailable'],
			rates.flatMap((rate) =>
				cases.map((c) => {
					const runs = chatCell(c.id, rate);
					const sum = (pick: (x: ChatRun) => number) => String(runs.reduce((a, x) => a + pick(x), 0));
					return [`${rate * clients}/s`, label(c), sum((x) => x.result.translations), sum((x) => x.upstreamTexts), sum((x) => x.result.unavailable)];
				})
			)
		),
		'',
		'#### Docs',
		'',
		`Fan-out latency as in the docs section: a fresh document per case, ${docsCases[0]?.editors ?? 0} editors with the stock y-websocket provider (\`?acks=1\`), half connected to each process in (c); every keystroke carries its send time and every other editor records when it applied it. The first editor is the one who types when one types. ${r.docsTiming.durationMs / 1000} s measured after ${r.docsTiming.warmupMs / 1000} s of warm-up; up to 5 s of drain. "Across" counts deliveries to readers on another process than the writer's.`,
		'',
		...table(['case', 'deployment', 'p50 ms', 'p99 ms', 'same process p50 / p99', 'other process p50 / p99', 'delivered', 'across', 'stored p50 / p99 ms', 'server CPU', 'machine busy', 'clients busy'], docsRows),
		'',
		'p99 ratios (below 1 is faster):',
		'',
		...table(['case', ...pairs.map(([x, y]) => `(${x}) ÷ (${y})`)], docsRatioRows, 1),
		'',
		...docsVerdict(r),
		'',
		'#### Redis round trip per broadcast',
		'',
		`Directly, from the benchmark process before the runs: one message at a time (each sent once the previous has arrived), ${r.redis.publish.n} of each after 100 of warm-up, ${r.redis.payloadBytes}-byte payload. PUBLISH → message on a second, subscribed connection is how the processes' bus (server/scale/bus.ts) talks; XADD → a second connection's pending XREAD BLOCK is how the Socket.IO Redis Streams adapter carries every room broadcast (chat). PING is the bare request/response on one connection.`,
		'',
		...table(
			['path', 'n', 'p50 ms', 'p99 ms', 'max ms'],
			(
				[
					['PING → PONG', r.redis.ping],
					['PUBLISH → message', r.redis.publish],
					['XADD → XREAD BLOCK', r.redis.stream]
				] as const
			).map(([what, x]) => [what, String(x.n), f(x.p50, 3), f(x.p99, 3), f(x.max, 3)]),
			1
		),
		'',
		'Indirectly, under load (ms, p50 / p99): in (c), delivery to readers on the other process minus to readers on the author\'s own; and (b) − (a), what sending every broadcast through Redis costs one process. The Socket.IO cluster adapter awaits its XADD before it delivers to the sockets of its own process, so readers on the author\'s process pay a Redis request/response too: other − same is only the extra leg (XREAD on the other process and its delivery), (b) − (a) the whole cost for chat. The docs relay has no adapter; what it pays depends on how the relay between processes is built. Under load these include queueing behind the other work on the machine, so they can be larger than the bare round trip above; a difference below zero is noise (the runs compared are seconds apart on a shared machine, or in (b) − (a) minutes apart).',
		'',
		...table(['scenario', '(c) other − same process', '(b) − (a)'], indirectRows, 1)
	];
	const section = lines.join('\n');
	if (!dryRun) writeSection(KEY, section);
	return section;
}

function chatVerdict(
	r: ScaleResults,
	rates: number[],
	clients: number,
	cell: (id: string, rate: number) => ChatRun[],
	acked: (runs: ChatRun[]) => number,
	p99: (runs: ChatRun[]) => number
): string[] {
	if (!rates.length || !cell('a', rates[0]!).length || !cell('c', rates[0]!).length) return [];
	const top = rates.at(-1)!;
	const throughput = ratio(acked(cell('c', top)), acked(cell('a', top)));
	const keptUp = (id: string) => acked(cell(id, top)) >= 0.98 * top * clients;
	const latency = ratio(p99(cell('c', top)), p99(cell('a', top)));
	const what =
		throughput > 1.05
			? `two processes carried **${f(throughput)}×** the messages of one`
			: keptUp('a')
				? `one process still kept up, so two could not carry more; their p99 was **${f(latency)}×** one process's`
				: `two processes did **not** carry more than one (${f(throughput)}×) and their p99 was **${f(latency)}×** one process's`;
	return [`At ${top * clients} messages/s in, the highest rate here, ${what}.`];
}

function docsVerdict(r: ScaleResults): string[] {
	const across = r.docs.filter((x) => x.case.id === 'c');
	const got = across.reduce((a, x) => a + x.result.latencyOtherServer.n, 0);
	const expected = across.reduce((a, x) => a + x.result.expectedOtherServer, 0);
	if (expected === 0 || got >= 0.99 * expected) return [];
	return [
		`**Updates did not all cross between processes in (c)**: readers on the other process received ${got} of ${expected} (the Yjs relay between processes was not in this build, or fell behind). The (c) latencies cover what arrived; they are no measure of a working two-process relay.`
	];
}
