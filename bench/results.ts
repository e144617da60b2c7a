import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';

interface Row {
	name: string;
	rps: number;
	p50: number;
	p99: number;
}

const FILE = new URL('./RESULTS.md', import.meta.url);
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** Replaces this bench case's section in bench/RESULTS.md, keeping the others. */
export function recordResult({ bench, case: name, rows, ratio, note }: { bench: string; case: string; rows: Row[]; ratio: number; note: string }): void {
	const key = `### ${bench} · ${name}`;
	const section = [
		key,
		'',
		`Measured ${new Date().toISOString().slice(0, 10)} on Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${Math.round(totalmem() / 2 ** 30)} GiB. ${note}.`,
		'',
		'| implementation | requests/s | p50 ms | p99 ms |',
		'|---|---:|---:|---:|',
		...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`),
		'',
		`Ratio (Tessera ÷ reference, throughput): **${ratio.toFixed(2)}**`,
		''
	].join('\n');
	console.log(`\n${section}`);
	writeSection(key, section);
}

/** Puts `section` (starting with the heading `key`) into bench/RESULTS.md, replacing its earlier version and keeping the others. */
export function writeSection(key: string, section: string): void {
	let text = readFileSync(FILE, 'utf8');
	const [head, rest = ''] = text.split(START);
	const [body = '', tail = ''] = rest.split(END);
	const sections = body.split(/(?=^### )/m).filter((s) => s.trim() && !s.startsWith(key));
	sections.push(section);
	sections.sort();
	text = `${head}${START}\n${sections.map((s) => s.trim()).join('\n\n')}\n${END}${tail}`;
	writeFileSync(FILE, text);
}

/** `requests` GETs of `url`, `concurrency` at a time, keep-alive from this process: throughput and latency quantiles. */
export async function loadTest({ url, requests, concurrency, headers = {} }: { url: string; requests: number; concurrency: number; headers?: Record<string, string> }): Promise<Omit<Row, 'name'>> {
	const latencies: number[] = [];
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < requests) {
				next++;
				const t = performance.now();
				const res = await fetch(url, { headers });
				if (res.status !== 200) throw new Error(`status ${res.status}`);
				await res.arrayBuffer();
				latencies.push(performance.now() - t);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
	return { rps: requests / seconds, p50: q(0.5), p99: q(0.99) };
}
