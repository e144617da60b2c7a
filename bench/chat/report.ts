import { describeMachine } from '../docs/report';
import { writeSection } from '../results';
import type { LoadResult } from './fleet';

const KEY = '### chat · Socket.IO chat and translation';

export interface ChatRun {
	round: number;
	subject: string;
	persistence: string;
	/** Messages per second per client. */
	rate: number;
	/** Messages per second offered in total. */
	offered: number;
	result: LoadResult;
	/** What the translator stand-in was asked during the run. */
	upstream: { requests: number; texts: number };
	/** The server process's CPU time ÷ wall time over the load (1 = one core). */
	serverCpu: number;
}

export interface ChatResults {
	date: string;
	load: { start: number[]; end: number[] };
	spaces: number;
	members: number;
	langs: string[];
	timing: { warmupMs: number; durationMs: number; drainMs: number };
	rounds: number;
	goalRate: number;
	translatorDelayMs: number;
	runs: ChatRun[];
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '–');
const median = (v: number[]) => {
	const s = v.filter(Number.isFinite).sort((a, b) => a - b);
	return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/** Renders the chat section and, unless `dryRun`, puts it into bench/RESULTS.md. */
export function recordChatResults(dryRun: boolean, r: ChatResults): string {
	const subjects = [...new Set(r.runs.map((x) => x.subject))];
	const rates = [...new Set(r.runs.map((x) => x.rate))].sort((a, b) => a - b);
	const clients = r.spaces * r.members;
	const cell = (subject: string, rate: number) => r.runs.filter((x) => x.subject === subject && x.rate === rate);
	const med = (runs: ChatRun[], pick: (x: ChatRun) => number) => median(runs.map(pick));

	const rows = rates.flatMap((rate) =>
		subjects.map((s) => {
			const runs = cell(s, rate);
			const sum = (pick: (x: LoadResult) => number) => runs.reduce((a, x) => a + pick(x.result), 0);
			const errors = runs.flatMap((x) => Object.entries(x.result.errors)).reduce<Record<string, number>>((a, [k, v]) => ({ ...a, [k]: (a[k] ?? 0) + v }), {});
			return [
				`${rate * clients}/s`,
				s,
				f(med(runs, (x) => (x.result.acked / x.result.windowMs) * 1000), 0),
				f(med(runs, (x) => x.result.delivered.p50)),
				f(med(runs, (x) => x.result.delivered.p99)),
				runs.map((x) => f(x.result.delivered.p99, 1)).join(', '),
				f(Math.max(...runs.map((x) => x.result.delivered.max)), 1),
				`${sum((x) => x.delivered.n)}/${sum((x) => x.expectedDeliveries)}`,
				f(med(runs, (x) => x.result.ack.p50)),
				f(med(runs, (x) => x.result.ack.p99)),
				Object.keys(errors).length ? Object.entries(errors).map(([k, v]) => `${k} ${v}`).join(', ') : '0',
				pct(med(runs, (x) => x.serverCpu)),
				pct(med(runs, (x) => x.result.clientLoop))
			];
		})
	);

	const tessera = subjects.filter((s) => s.startsWith('Tessera'));
	const goalLines = tessera.map((s) => {
		const p99 = med(cell(s, r.goalRate), (x) => x.result.delivered.p99);
		const verdict = p99 < 25 ? 'under' : 'NOT under';
		return `- **${s}**: original delivered p99 **${f(p99)} ms** at ${r.goalRate * clients} messages/s in — ${verdict} the 25 ms goal.`;
	});
	const ratioRows = tessera.flatMap((t) =>
		subjects
			.filter((s) => !s.startsWith('Tessera'))
			.map((ref) => [
				`${t} ÷ ${ref}`,
				...rates.map((rate) => f(med(cell(t, rate), (x) => x.result.delivered.p99) / med(cell(ref, rate), (x) => x.result.delivered.p99))),
				...rates.map((rate) => f(med(cell(t, rate), (x) => x.result.acked) / med(cell(ref, rate), (x) => x.result.acked)))
			])
	);
	const translationLines = tessera.flatMap((t) =>
		rates.map((rate) => {
			const runs = cell(t, rate);
			const asked = runs.reduce((a, x) => a + x.result.translations, 0);
			const upstream = runs.reduce((a, x) => a + x.upstream.texts, 0);
			const requests = runs.reduce((a, x) => a + x.upstream.requests, 0);
			const unavailable = runs.reduce((a, x) => a + x.result.unavailable, 0);
			return `| ${t} | ${rate * clients}/s | ${asked} | ${upstream} | ${requests} | ${pct(asked > 0 ? 1 - upstream / asked : NaN)} | ${unavailable} |`;
		})
	);

	const lines = [
		KEY,
		'',
		`Measured ${r.date} on ${describeMachine('PGlite in a temp directory and PostgreSQL on 127.0.0.1 (TCP), as in the docs section')}. Load average ${r.load.start.map((x) => x.toFixed(2)).join(' / ')} at the start and ${r.load.end.map((x) => x.toFixed(2)).join(' / ')} at the end.`,
		'',
		`${clients} socket.io-client connections (WebSocket transport) in ${r.spaces} spaces of ${r.members}, all in one worker thread of the benchmark process; each server runs as its own process on port 0 (Tessera as deployed: its server entry, bundled from source), one at a time. Every client sends at a steady rate with phases spread evenly (${rates.map((x) => x * clients).join(', ')} messages/s in; each message reaches the ${r.members - 1} other members of its room). ${r.timing.durationMs / 1000} s measured after ${r.timing.warmupMs / 1000} s of warm-up, ${r.rounds} round(s) through every server in turn; p50/p99 are medians of the rounds' values, "p99 per round" lists them. Readers in every space: ${r.langs.join(', ')} (set with \`chat:language\`), and each author writes in their reading language, so every message needs two translations. Tessera translates through a LibreTranslate stand-in (its documented HTTP API, ${r.translatorDelayMs} ms per request) in a worker thread of the benchmark process; the per-person send limit is lifted for the run (it is policy, not capacity).`,
		'',
		'- **delivered**: send → `chat:message` at each other member of the room (the original, before any translation).',
		'- **ack**: send → the sender\'s ack; for Tessera and the naive server the message is stored by then.',
		'- **acked/s**: acknowledged messages per second in the window; below the offered rate the server is not keeping up.',
		'- **server CPU**: the server process\'s CPU time ÷ wall time during the load (100 % = one core); **clients busy**: event-loop utilisation of the clients\' worker.',
		'',
		'| offered | implementation | acked/s | delivered p50 ms | delivered p99 ms | p99 per round | max ms | deliveries | ack p50 ms | ack p99 ms | errors | server CPU | clients busy |',
		'|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
		...rows.map((row) => `| ${row.join(' | ')} |`),
		'',
		...goalLines,
		'',
		'Ratios, Tessera ÷ reference (delivered p99: below 1 is faster; acked messages: 1 is keeping up as well):',
		'',
		`| | ${rates.map((x) => `p99 @ ${x * clients}/s`).join(' | ')} | ${rates.map((x) => `acked @ ${x * clients}/s`).join(' | ')} |`,
		`|---|${rates.map(() => '---:').join('|')}|${rates.map(() => '---:').join('|')}|`,
		...ratioRows.map((row) => `| ${row.join(' | ')} |`),
		'',
		'#### Translation',
		'',
		'Translations delivered = distinct (message, language) translations that reached readers during the run (warm-up included); texts sent upstream = what the translator stand-in was asked to translate. Hit ratio = 1 − upstream ÷ delivered: the share served from the in-memory cache, the `translations` table, or a merged in-flight request. The mix: 70 % short phrases people repeat (a Zipf-skewed pool per language), 30 % one of a kind.',
		'',
		'| implementation | offered | translations delivered | texts sent upstream | upstream requests | hit ratio | unavailable |',
		'|---|---|---:|---:|---:|---:|---:|',
		...translationLines
	];
	const section = lines.join('\n');
	if (!dryRun) writeSection(KEY, section);
	return section;
}
