/**
 * The Yjs relay against the two servers people would otherwise deploy: the classic reference y-websocket server
 * (1.5.4, bin/utils.js) and Hocuspocus 3.4.4, all three in this process on port 0, each with persistence.
 * Measures update fan-out latency with 10, 50 and 200 editors on one document (one typist, and everyone
 * typing), Tessera's send → Stored ack time, cold load of the automerge-paper document from the database,
 * and heap per idle connection and per loaded document; writes the docs section of bench/RESULTS.md.
 * How each measurement is taken is written out with the results (bench/docs/report.ts). BENCH_DOCS_EDITORS=50
 * runs only the fan-out cases with 50 editors and prints them, with Tessera's p99 paired round by round against
 * each peer's (bench/docs/paired.ts); BENCH_DOCS_WRITERS, BENCH_DOCS_ONLY, BENCH_DOCS_ROUNDS and BENCH_DOCS_PROFILE
 * (below) narrow or extend such a partial run.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { it } from 'vitest';
import { availableDrivers, postgresAdminUrl } from '../tests/helpers/server';
import { startFleet } from './docs/fleet';
import { startHocuspocus, startReference } from './docs/peers';
import { describePaired, pairedComparison } from './docs/paired';
import { profileWhile, type ProfileSummary } from './docs/profile';
import { recordDocsResults, type DocsResults } from './docs/report';
import { coldLoad, idleConnectionHeap, loadedDocumentHeap, runFanout, type FanoutCase } from './docs/scenarios';
import type { Subject } from './docs/subject';
import { startTessera } from './docs/tessera';
import { quietMachine } from './quiet';

/** BENCH_DOCS_QUICK=1: a short run to try the harness; it prints but does not touch RESULTS.md. */
const QUICK = process.env.BENCH_DOCS_QUICK === '1';
const TIMING = QUICK ? { warmupMs: 500, durationMs: 2000 } : { warmupMs: 2000, durationMs: 10_000 };
/** BENCH_DOCS_EDITORS=50: only the fan-out cases with that many editors (a partial run only prints). */
const EDITORS = process.env.BENCH_DOCS_EDITORS ? process.env.BENCH_DOCS_EDITORS.split(',').map(Number) : [10, 50, 200];
/** BENCH_DOCS_WRITERS=one: only the one-typist cases; BENCH_DOCS_ONLY=postgres,y-websocket: only servers whose name holds one of these (case-insensitive); BENCH_DOCS_ROUNDS=n. */
const WRITERS = (process.env.BENCH_DOCS_WRITERS ?? 'one,all').split(',');
const ONLY = process.env.BENCH_DOCS_ONLY?.toLowerCase().split(',');
/** BENCH_DOCS_PROFILE=1: with a partial run, also profile each server on the goal case and print the summary. */
const PROFILE = process.env.BENCH_DOCS_PROFILE === '1';
const PARTIAL = Boolean(process.env.BENCH_DOCS_EDITORS || process.env.BENCH_DOCS_WRITERS || ONLY);
/**
 * One typist every 20 ms; or everyone typing, 50 keystrokes/s in total — except with 200 typists, who type
 * once every 10 s (20/s in total): Yjs spends time proportional to the number of writers on every transaction
 * (getStateVector), and one client thread cannot apply 200 typists' updates in 200 documents any faster.
 */
const CASES: FanoutCase[] = EDITORS.flatMap((editors) => [
	{ editors, writers: 'one' as const, intervalMs: 20 },
	{ editors, writers: 'all' as const, intervalMs: editors === 200 ? 10_000 : editors * 20 }
]).filter((c) => WRITERS.includes(c.writers));
const GOAL: FanoutCase = { editors: 50, writers: 'one', intervalMs: 20 };
const IDLE_CONNECTIONS = QUICK ? 50 : 200;
const LOADED_DOCUMENTS = QUICK ? 20 : 100;
const SMALL_EDITS = 5000;
const COLD_REPEAT = QUICK ? 2 : 5;
// Five rounds: at 50 editors one round's p99 moves by 1–3 ms on a shared 2-core machine, more than the servers differ.
const ROUNDS = Number(process.env.BENCH_DOCS_ROUNDS) || (QUICK ? 1 : 5);

const drivers = await availableDrivers();

async function databases(): Promise<string> {
	const pglite = (JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
	let text = `PGlite ${pglite} (in-process WebAssembly PostgreSQL, a temp directory on local disk)`;
	if (drivers.includes('postgres')) {
		const sql = postgres(postgresAdminUrl, { max: 1, onnotice: () => {} });
		try {
			const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
			text += ` and PostgreSQL ${row!.v} on the same machine (${new URL(postgresAdminUrl).host}, TCP)`;
		} finally {
			await sql.end();
		}
	}
	return `${text}; LevelDB through y-leveldb 0.1.2 (leveldown 5.6 prebuilt) for the reference server`;
}

const log = (...args: unknown[]) => console.log('[docs bench]', ...args);
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

it('docs relay: fan-out, Stored acks, cold load and heap — Tessera vs y-websocket 1.5.4 and Hocuspocus 3.4.4', { timeout: 3 * 3600_000 }, async () => {
	if (!QUICK) await quietMachine(log);
	const start = loadavg();
	const fleet = startFleet();
	const subjects: Subject[] = [];
	try {
		for (const driver of drivers) subjects.push(await startTessera(driver));
		subjects.push(await startReference(), await startHocuspocus());
		if (ONLY) {
			for (const s of subjects.splice(0)) {
				if (ONLY.some((o) => s.name.toLowerCase().includes(o))) subjects.push(s);
				else await s.close();
			}
		}
		const small = await fleet.prepare({ name: 'small', edits: SMALL_EDITS });
		const paper = await fleet.prepare({ name: 'paper' });
		log(`documents ready: paper ${paper.bytes} B in ${paper.buildMs.toFixed(0)} ms, small ${small.bytes} B`);

		// Rounds through every case and server in turn, so that whatever else runs on the shared machine
		// disturbs every server alike; the report takes the median of the rounds.
		const fanout: DocsResults['fanout'] = CASES.map((c) => ({ case: c, runs: new Map(subjects.map((s) => [s.name, []])) }));
		for (let round = 1; round <= ROUNDS; round++) {
			for (const { case: c, runs } of fanout) {
				for (const s of subjects) {
					const run = await runFanout(fleet, s, c, TIMING);
					runs.get(s.name)!.push(run);
					log(`round ${round}, ${c.editors} editors, ${c.writers}: ${s.name} p50 ${run.latency.p50.toFixed(2)} p99 ${run.latency.p99.toFixed(2)} ms (${run.received}/${run.expected}, server ${Math.round(run.serverLoop * 100)} % busy, loop delay p99 ${run.serverDelay.p99.toFixed(1)} ms, clients ${Math.round(run.clientLoop * 100)} %)`);
				}
			}
		}

		if (PARTIAL) {
			// Tessera against each peer, round by round: with many rounds (BENCH_DOCS_ROUNDS=20) this tells a
			// difference from the shared machine's noise, which one median of five rounds cannot.
			for (const { case: c, runs } of fanout) {
				const p99 = (name: string) => runs.get(name)!.map((r) => r.latency.p99);
				for (const t of subjects.filter((s) => s.name.startsWith('Tessera'))) {
					for (const peer of subjects.filter((s) => !s.name.startsWith('Tessera'))) {
						log(`${c.editors} editors, ${c.writers}: p99 ${t.name} − ${peer.name}: ${describePaired(pairedComparison(p99(t.name), p99(peer.name)))}`);
					}
				}
			}
			if (!PROFILE) return;
			for (const s of subjects) {
				await runFanout(fleet, s, GOAL, TIMING, async (body) => {
					const { result, profile } = await profileWhile(`/tmp/tessera-bench-docs-${slug(s.name)}.cpuprofile`, body);
					log(`${s.name} profile: ${profile.busyMs.toFixed(0)} ms busy of ${profile.wallMs.toFixed(0)};`, profile.areas.map((a) => `${a.what} ${Math.round(a.share * 100)} %`).join(', '));
					log(`${s.name} top functions:`, profile.functions.map((f) => `${f.what} ${Math.round(f.share * 100)} %`).join('; '));
					return result;
				});
			}
			return;
		}

		const cold: DocsResults['cold'] = new Map();
		const perConnection = new Map<string, number>();
		const perDocument: DocsResults['loaded']['perDocument'] = new Map();
		for (const s of subjects) {
			perConnection.set(s.name, await idleConnectionHeap(fleet, s, IDLE_CONNECTIONS));
			perDocument.set(s.name, await loadedDocumentHeap(fleet, s, 'small', LOADED_DOCUMENTS));
			cold.set(s.name, await coldLoad(fleet, s, 'paper', COLD_REPEAT));
			log(`${s.name}: ${(perConnection.get(s.name)! / 1024).toFixed(1)} KiB/connection, ${(perDocument.get(s.name)!.perDocument / 1024).toFixed(1)} KiB/document, paper complete ${cold.get(s.name)!.runs.map((r) => r.completeMs.p50.toFixed(0)).join(' ')} ms`);
		}

		const profiles = new Map<string, ProfileSummary>();
		for (const s of subjects) {
			let summary: ProfileSummary | undefined;
			await runFanout(fleet, s, GOAL, TIMING, async (body) => {
				const { result, profile } = await profileWhile(`/tmp/tessera-bench-docs-${slug(s.name)}.cpuprofile`, body);
				summary = profile;
				return result;
			});
			profiles.set(s.name, summary!);
		}

		const section = recordDocsResults(QUICK, {
			date: new Date().toISOString().slice(0, 10),
			subjects: subjects.map((s) => ({ name: s.name, persistence: s.persistence })),
			databases: await databases(),
			load: { start, end: loadavg() },
			timing: TIMING,
			fanout,
			rounds: ROUNDS,
			cold,
			idle: { count: IDLE_CONNECTIONS, perConnection },
			loaded: { count: LOADED_DOCUMENTS, perDocument },
			profiles,
			content: { paper, small: { ...small, edits: SMALL_EDITS } },
			goalCase: GOAL
		});
		console.log(`\n${section}`);
	} finally {
		for (const s of subjects) await s.close().catch((e) => log('close failed', s.name, e));
		await fleet.close();
	}
});
