import { cpus, loadavg, totalmem } from 'node:os';
import { writeSection } from '../results';
import { describePaired, pairedComparison } from './paired';
import type { ProfileSummary } from './profile';
import type { ColdLoad, FanoutCase, FanoutRun, LoadedHeap } from './scenarios';

const KEY = '### docs · Yjs relay';

export interface ContentInfo {
	bytes: number;
	chars: number;
}

export interface DocsResults {
	date: string;
	/** Row labels in display order; those starting with "Tessera" are ours, the rest peers. */
	subjects: { name: string; persistence: string }[];
	databases: string;
	load: { start: number[]; end: number[] };
	timing: { warmupMs: number; durationMs: number };
	/** Every round of every case, per implementation. */
	fanout: { case: FanoutCase; runs: Map<string, FanoutRun[]> }[];
	rounds: number;
	cold: Map<string, ColdLoad>;
	idle: { count: number; perConnection: Map<string, number> };
	loaded: { count: number; perDocument: Map<string, LoadedHeap> };
	profiles: Map<string, ProfileSummary>;
	content: { paper: ContentInfo; small: ContentInfo & { edits: number } };
	goalCase: FanoutCase;
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const kib = (bytes: number) => f(bytes / 1024, 1);
const mib = (bytes: number) => f(bytes / 2 ** 20, 2);
const pct = (x: number) => `${Math.round(x * 100)} %`;
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? f(a / b, 2) : '–');
const caseLabel = (c: FanoutCase) => `${c.editors} editors, ${c.writers === 'one' ? 'one typing' : 'all typing'} (each every ${c.intervalMs} ms)`;

function table(head: string[], rows: string[][], right = new Set<number>()): string[] {
	return [
		`| ${head.join(' | ')} |`,
		`|${head.map((_, i) => (right.has(i) || i > 0 ? '---:' : '---')).join('|')}|`,
		...rows.map((r) => `| ${r.join(' | ')} |`)
	];
}

export function describeMachine(databases: string): string {
	const cpu = cpus();
	return `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; ${databases}`;
}

/** Renders the whole docs section and puts it in bench/RESULTS.md between the markers, keeping other benches. */
export function recordDocsResults(dryRun: boolean, r: DocsResults): string {
	const ours = r.subjects.filter((s) => s.name.startsWith('Tessera')).map((s) => s.name);
	const peers = r.subjects.filter((s) => !s.name.startsWith('Tessera')).map((s) => s.name);
	const names = r.subjects.map((s) => s.name);
	const lines: string[] = [
		KEY,
		'',
		`Measured ${r.date} on ${describeMachine(r.databases)}. Load average ${r.load.start.map((x) => x.toFixed(2)).join(' / ')} at the start and ${r.load.end.map((x) => x.toFixed(2)).join(' / ')} at the end (the machine is shared).`,
		'',
		'All servers run in the benchmark process on port 0; the clients run in one worker thread of the same process (their own event loop and heap), so the servers\' thread does only server work. Tessera and the reference server get the stock y-websocket@3 `WebsocketProvider` (Tessera\'s with `?token=…&acks=1`), Hocuspocus its `HocuspocusProvider`; awareness is on, as in a browser. Each server runs with persistence:',
		'',
		...r.subjects.map((s) => `- **${s.name}**: ${s.persistence}.`),
		'',
		`#### Fan-out latency`,
		'',
		`A fresh document per case. Each keystroke is one transaction inserting a character into the paragraph of the \`default\` fragment and writing its send time into a \`bench\` map; every other client records when it applied it. ${r.timing.durationMs / 1000} s measured after ${r.timing.warmupMs / 1000} s of warm-up, in ${r.rounds} rounds that go through every case and server in turn; p50 and p99 are medians of the rounds' values. "All typing" keeps the total at 50 keystrokes/s, as with one typist every 20 ms, spread over all editors — but 200 typists type once every 10 s (20/s in total), because each Yjs transaction costs time in proportion to the number of writers (\`getStateVector\`) and one client thread holding 200 documents cannot keep up with more; where clients are busy near 100 %, the latencies are the clients', not the servers'. Frames in / keystroke = every frame all clients received in the window ÷ keystrokes sent in it (an ideal relay: editors − 1, plus awareness and acks). Busy = event-loop utilisation of the servers' thread and of the clients' worker (near 100 % the clients, not the server, set the pace; it counts time a thread is runnable but waiting for a core too). Server loop delay = \`monitorEventLoopDelay\` on the servers' thread: how long ready work (such as an arriving keystroke) waited behind work already running.`,
		'',
		...table(
			['case', 'implementation', 'p50 ms', 'p99 ms', 'p99 per round', 'max ms', 'delivered', 'frames (bytes) in / keystroke', 'server busy', 'server loop delay p99 / max ms', 'clients busy'],
			r.fanout.flatMap(({ case: c, runs }) =>
				names.map((n) => {
					const x = runs.get(n)!;
					const p99s = x.map((y) => y.latency.p99);
					const sum = (g: (y: FanoutRun) => number) => x.reduce((t, y) => t + g(y), 0);
					return [
						caseLabel(c),
						n,
						f(p50(x), 2),
						f(p99(x), 2),
						p99s.map((v) => f(v, 1)).join(', '),
						f(Math.max(...x.map((y) => y.latency.max)), 1),
						`${sum((y) => y.received)}/${sum((y) => y.expected)}`,
						`${f(sum((y) => y.framesIn) / sum((y) => y.sent), 1)} (${f(sum((y) => y.bytesIn) / sum((y) => y.sent), 0)})`,
						pct(sum((y) => y.serverLoop) / x.length),
						`${f(median(x.map((y) => y.serverDelay.p99)), 1)} / ${f(Math.max(...x.map((y) => y.serverDelay.max)), 1)}`,
						pct(sum((y) => y.clientLoop) / x.length)
					];
				})
			)
		),
		'',
		'p99 ratios, Tessera ÷ peer (below 1: Tessera is faster):',
		'',
		...table(
			['case', ...ours.flatMap((o) => peers.map((p) => `${o} ÷ ${p}`))],
			r.fanout.map(({ case: c, runs }) => [caseLabel(c), ...ours.flatMap((o) => peers.map((p) => ratio(p99(runs.get(o)!), p99(runs.get(p)!))))])
		),
		'',
		...goal(r, ours, peers),
		'',
		`#### Tessera: send → Stored ack`,
		'',
		'Time from a writer sending an update to the `[100, n]` message saying it is stored in the database (`?acks=1`); it includes the linger of the writer before each batch (`DOCS_WRITE_LINGER_MS`, 4 ms by default). Neither peer has an equivalent: the reference server writes to LevelDB without waiting and never tells the client, Hocuspocus stores on a 2–10 s debounce and never tells the client either.',
		'',
		...table(
			['case', ...ours.map((o) => `${o} p50 / p99 ms`)],
			r.fanout.map(({ case: c, runs }) => [caseLabel(c), ...ours.map((o) => storedCell(runs.get(o)!))])
		),
		'',
		...coldSection(r, names),
		'',
		...memorySection(r, names, ours, peers),
		'',
		...profileSection(r, names)
	];
	const section = lines.join('\n');
	if (!dryRun) writeSection(KEY, section);
	return section;
}

function storedCell(x: FanoutRun[]): string {
	const stored = x.map((y) => y.stored).filter((y) => y !== null);
	if (stored.length === 0) return '–';
	const missing = stored.reduce((t, y) => t + y.missing, 0);
	return `${f(median(stored.map((y) => y.p50)), 1)} / ${f(median(stored.map((y) => y.p99)), 1)}${missing ? ` (${missing} not acked)` : ''}`;
}

/** Median over rounds of each round's p50 / p99. */
const p50 = (x: FanoutRun[]) => median(x.map((y) => y.latency.p50));
const p99 = (x: FanoutRun[]) => median(x.map((y) => y.latency.p99));

function goal(r: DocsResults, ours: string[], peers: string[]): string[] {
	const runs = r.fanout.find((x) => x.case.editors === r.goalCase.editors && x.case.writers === r.goalCase.writers)?.runs;
	if (!runs) return [];
	return [
		`Goal (issue 3): p99 at ${r.goalCase.editors} editors under 10 ms and no worse than either peer.`,
		'',
		...ours.map((o) => {
			const mine = p99(runs.get(o)!);
			const best = Math.min(...peers.map((p) => p99(runs.get(p)!)));
			const met = mine < 10 && mine <= best;
			const paired = peers.map((p) => {
				const c = pairedComparison(runs.get(o)!.map((y) => y.latency.p99), runs.get(p)!.map((y) => y.latency.p99));
				return `  - round by round against ${p}: ${describePaired(c)}.`;
			});
			return [`- ${o}: p99 ${f(mine, 2)} ms against ${peers.map((p) => `${f(p99(runs.get(p)!), 2)} ms (${p})`).join(' and ')}: **${met ? 'met' : 'not met'}**.`, ...paired].join('\n');
		}),
		'',
		'Round by round: the difference of the two p99s within each round (below 0: Tessera ahead), its median over the rounds and a 95 % bootstrap interval for that median. Every server runs once in each round, within a minute or so of the others, so this cancels much of what the shared machine does to both; an interval that spans 0 means the run cannot tell them apart, whatever the medians above say (met / not met compares the medians only).'
	];
}

function coldSection(r: DocsResults, names: string[]): string[] {
	const { paper } = r.content;
	return [
		`#### Cold load of the automerge-paper document`,
		'',
		`The trace's final document (259,778 edits replayed one transaction each into the paragraph of \`default\`: ${paper.chars.toLocaleString('en')} characters, ${kib(paper.bytes)} KiB as one Yjs update) is sent through each server by one client, stored, and unloaded; then a fresh client opens it, five times over, unloading in between. "Complete" is when the client's text equals the trace's \`endContent\`; "synced" is the provider's first synced event. The reference server answers before reading LevelDB, so its clients first sync an empty document and get the content as a later update.`,
		'',
		...table(
			['implementation', 'stored (ms, send → ack)', 'synced ms, median', 'complete ms, median', 'complete ms, first / min / max', 'empty at first sync'],
			names.map((n) => {
				const c = r.cold.get(n)!;
				const complete = c.runs.map((x) => x.completeMs.p50);
				const synced = c.runs.map((x) => x.syncedMs.p50);
				const empty = c.runs.filter((x) => x.emptyAtSync > 0).length;
				return [
					n,
					c.storedMs === null ? 'no ack' : f(c.storedMs, 0),
					f(median(synced), 0),
					f(median(complete), 0),
					`${f(complete[0]!, 0)} / ${f(Math.min(...complete), 0)} / ${f(Math.max(...complete), 0)}`,
					`${empty} of ${c.runs.length}${c.runs.every((x) => x.exact) ? '' : ' (content differed!)'}`
				];
			})
		)
	];
}

function memorySection(r: DocsResults, names: string[], ours: string[], peers: string[]): string[] {
	const { small } = r.content;
	const idle = (n: string) => r.idle.perConnection.get(n)!;
	const doc = (n: string) => r.loaded.perDocument.get(n)!.perDocument;
	return [
		`#### Heap`,
		'',
		`V8 heap of the servers' thread after forced full collections (\`--expose-gc\` set at run time), as differences: per idle connection = (${r.idle.count} more clients on an open document) ÷ ${r.idle.count}; per loaded document = (${r.loaded.count} stored documents opened by one client each) ÷ ${r.loaded.count}, connection included, each document the trace's first ${small.edits.toLocaleString('en')} edits (${small.chars.toLocaleString('en')} characters, ${kib(small.bytes)} KiB); the paper document = heap while it is open with one client. Socket buffers outside the V8 heap are not counted.`,
		'',
		...table(
			['implementation', 'per idle connection KiB', 'per loaded document KiB', 'paper document MiB', `open ${r.loaded.count} documents: first sync ms, median / max`],
			names.map((n) => {
				const l = r.loaded.perDocument.get(n)!;
				return [n, kib(idle(n)), kib(doc(n)), mib(r.cold.get(n)!.heap), `${f(l.load.syncedMs.p50, 0)} / ${f(l.load.syncedMs.max, 0)}`];
			})
		),
		'',
		'Ratios, Tessera ÷ peer (below 1: Tessera uses less):',
		'',
		...table(
			['', ...ours.flatMap((o) => peers.map((p) => `${o} ÷ ${p}`))],
			[
				['per idle connection', ...ours.flatMap((o) => peers.map((p) => ratio(idle(o), idle(p))))],
				['per loaded document', ...ours.flatMap((o) => peers.map((p) => ratio(doc(o), doc(p))))],
				['paper document', ...ours.flatMap((o) => peers.map((p) => ratio(r.cold.get(o)!.heap, r.cold.get(p)!.heap)))]
			]
		)
	];
}

function profileSection(r: DocsResults, names: string[]): string[] {
	if (r.profiles.size === 0) return [];
	const c = r.goalCase;
	return [
		`#### Where the servers' thread spends its time`,
		'',
		`A second run of "${caseLabel(c)}" per server under the V8 sampling profiler (in-process inspector, 200 µs), not the measured run. Self time by package or source folder (native code and Node internals charged to the package that called them), as a share of the thread's busy time (warm-up and measured window). A stretch of uninterrupted work is a run of consecutive non-idle samples: a keystroke arriving during one waits for its end before it is fanned out. Raw profiles: the .cpuprofile files named below (open in Chrome DevTools).`,
		'',
		...names
			.filter((n) => r.profiles.has(n))
			.flatMap((n) => {
				const p = r.profiles.get(n)!;
				const st = p.stretches;
				return [
					`- **${n}** (${f(p.busyMs, 0)} ms busy of ${f(p.wallMs, 0)} ms; \`${p.file}\`): ${p.areas.map((a) => `${a.what} ${pct(a.share)}`).join(', ')}.`,
					`  ${st.count} stretches of uninterrupted work, ${st.atLeast5ms} of them 5 ms or longer, ${st.atLeast10ms} 10 ms or longer (longest ${f(st.longestMs, 1)} ms).`,
					`  Top functions: ${p.functions.map((fn) => `${fn.what} ${pct(fn.share)}`).join('; ')}.`
				];
			})
	];
}

function median(v: number[]): number {
	const s = [...v].sort((a, b) => a - b);
	return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

export const machineLoad = () => loadavg();
