/**
 * The chat and docs scenarios on one deployment. Clients are spread over its processes: in every space the
 * seats alternate between them, and half of a document's editors are on each, so with two processes most
 * readers get a message through Redis and the rest through the author's own process.
 */
import { performance } from 'node:perf_hooks';
import { api } from '../../tests/helpers/api';
import type { Clients, LoadResult, Seat } from '../chat/fleet';
import { seedSpaces } from '../chat/tessera';
import type { FanoutResult, Fleet } from '../docs/fleet';
import type { FanoutCase } from '../docs/scenarios';
import { cpuUse, type CpuUse, type Deployment, type DeploymentCase } from './deployment';

export interface Translator {
	reset(): Promise<boolean>;
	stats(): Promise<{ requests: number; texts: number }>;
}

export interface ChatRun {
	case: DeploymentCase;
	round: number;
	/** Messages per second per client, and in total. */
	rate: number;
	offered: number;
	result: LoadResult;
	cpu: CpuUse;
	upstreamTexts: number;
}

export interface DocsRun {
	case: DeploymentCase;
	round: number;
	fanout: FanoutCase;
	result: FanoutResult;
	cpu: CpuUse;
}

/** Accounts and spaces for both scenarios, made through the first process (the database is shared). */
export interface Seeded {
	spaces: string[];
	tokens: string[];
}

export async function seed(d: Deployment, { spaceCount, members }: { spaceCount: number; members: number }): Promise<Seeded> {
	return seedSpaces({ url: d.urls[0]!, spaceCount, members });
}

/** Runs `load` while sampling CPU use. */
async function measured<T>(d: Deployment, load: () => Promise<T>): Promise<{ result: T; cpu: CpuUse }> {
	const before = d.cpu();
	const t = performance.now();
	const result = await load();
	return { result, cpu: cpuUse(before, d.cpu(), performance.now() - t) };
}

/** Chat at every rate: one socket per (member, space) seat, seat i of each space on process i mod n. */
export async function runChat({
	deployment: d,
	round,
	clients,
	translator,
	seeded,
	langs,
	rates,
	timing,
	log
}: {
	deployment: Deployment;
	round: number;
	clients: Clients;
	translator: Translator;
	seeded: Seeded;
	langs: string[];
	rates: number[];
	timing: { warmupMs: number; durationMs: number; drainMs: number };
	log: (...args: unknown[]) => void;
}): Promise<ChatRun[]> {
	const seats: Seat[] = seeded.spaces.flatMap((spaceId) => langs.map((lang, i) => ({ spaceId, lang, token: seeded.tokens[i], url: d.urls[i % d.urls.length] })));
	const opened = await clients.open({ url: d.urls[0]!, seats });
	log(`${d.case.name}: ${opened.clients} chat clients connected in ${opened.connectMs.toFixed(0)} ms`);
	const runs: ChatRun[] = [];
	try {
		for (const rate of rates) {
			await translator.reset();
			const { result, cpu } = await measured(d, () => clients.load({ perClientPerSecond: rate, seed: round * 100 + rate * 10, ...timing }));
			const upstream = await translator.stats();
			const run = { case: d.case, round, rate, offered: rate * seats.length, result, cpu, upstreamTexts: upstream.texts };
			runs.push(run);
			const r = result;
			log(
				`round ${round} chat ${d.case.name} @ ${run.offered}/s: acked ${r.acked}/${r.sent}, delivered p50 ${r.delivered.p50.toFixed(2)} p99 ${r.delivered.p99.toFixed(2)} ms ` +
					`(${r.delivered.n}/${r.expectedDeliveries}; same process p99 ${r.deliveredSameServer.p99.toFixed(2)}, other p99 ${r.deliveredOtherServer.p99.toFixed(2)}), ack p99 ${r.ack.p99.toFixed(2)} ms, ` +
					`servers ${cpu.servers.map((x) => `${Math.round(x * 100)} %`).join(' + ')} CPU, machine ${Math.round(cpu.machine * 100)} % busy, clients ${Math.round(r.clientLoop * 100)} %` +
					(Object.keys(r.errors).length ? `, errors ${JSON.stringify(r.errors)}` : '')
			);
		}
	} finally {
		await clients.disconnect();
	}
	return runs;
}

/** Docs fan-out on a fresh document per case, its editors split evenly over the processes (the first types). */
export async function runDocs({
	deployment: d,
	round,
	fleet,
	seeded,
	cases,
	timing,
	log
}: {
	deployment: Deployment;
	round: number;
	fleet: Fleet;
	seeded: Seeded;
	cases: FanoutCase[];
	timing: { warmupMs: number; durationMs: number };
	log: (...args: unknown[]) => void;
}): Promise<DocsRun[]> {
	const runs: DocsRun[] = [];
	for (const c of cases) {
		const res = await api(d.urls[0]!, `/api/v1/spaces/${seeded.spaces[0]}/documents`, { token: seeded.tokens[0], body: { kind: 'text', title: `Scale bench ${c.editors} ${c.writers}` } });
		if (res.status !== 201) throw new Error(`create document failed: ${res.status} ${res.text}`);
		const room = res.body.id as string;
		const group = `scale-${room}`;
		const share = Math.ceil(c.editors / d.urls.length);
		try {
			for (let i = 0; i < d.urls.length; i++) {
				const count = Math.min(share, c.editors - i * share);
				const url = `${d.urls[i]!.replace(/^http/, 'ws')}/yjs`;
				// Rotated tokens, so each account's connections are spread over the processes too.
				const tokens = [...seeded.tokens.slice(i), ...seeded.tokens.slice(0, i)];
				await fleet.openGroup({ group, target: { kind: 'yws', url, room, params: { acks: '1' }, acks: true }, count, tokens });
			}
			const { result, cpu } = await measured(d, () => fleet.fanout({ group, writers: c.writers, intervalMs: c.intervalMs, ...timing }));
			runs.push({ case: d.case, round, fanout: c, result, cpu });
			const r = result;
			log(
				`round ${round} docs ${d.case.name}, ${c.editors} editors ${c.writers} typing: p50 ${r.latency.p50.toFixed(2)} p99 ${r.latency.p99.toFixed(2)} ms (${r.received}/${r.expected}; ` +
					`same process p99 ${r.latencySameServer.p99.toFixed(2)}, other ${r.latencyOtherServer.p99.toFixed(2)} ms, ${r.latencyOtherServer.n}/${r.expectedOtherServer} across), ` +
					`stored p99 ${r.stored?.p99.toFixed(1) ?? '–'} ms, servers ${cpu.servers.map((x) => `${Math.round(x * 100)} %`).join(' + ')} CPU, machine ${Math.round(cpu.machine * 100)} % busy, clients ${Math.round(r.clientLoop * 100)} %`
			);
		} finally {
			await fleet.closeGroup({ group });
		}
	}
	return runs;
}
