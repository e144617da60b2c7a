import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FanoutResult, Fleet, LoadResult, Summary } from './fleet';
import { settledHeap, type Subject } from './subject';

export interface FanoutCase {
	editors: number;
	writers: 'one' | 'all';
	/** Each typing editor's interval between keystrokes. */
	intervalMs: number;
}

export interface Timing {
	warmupMs: number;
	durationMs: number;
}

export interface FanoutRun extends FanoutResult {
	/** Event-loop utilisation of this (the servers') thread from warm-up to drain. */
	serverLoop: number;
	/** Event-loop delay of this thread over the same span, ms: how long work waited behind other work. */
	serverDelay: { p99: number; max: number };
	connectMs: Summary;
}

/** One fan-out case on a fresh document: connect every editor, type, measure, leave, wait until stored. */
export async function runFanout(
	fleet: Fleet,
	subject: Subject,
	c: FanoutCase,
	timing: Timing,
	around: (body: () => Promise<FanoutResult>) => Promise<FanoutResult> = (body) => body()
): Promise<FanoutRun> {
	const [room] = await subject.newDocuments(1);
	const group = `fanout-${room}`;
	const open = await fleet.openGroup({ group, target: subject.target(room!), count: c.editors, tokens: subject.tokens });
	const elu = performance.eventLoopUtilization();
	const delay = monitorEventLoopDelay({ resolution: 1 });
	delay.enable();
	const result = await around(() => fleet.fanout({ group, writers: c.writers, intervalMs: c.intervalMs, ...timing }));
	delay.disable();
	const serverLoop = performance.eventLoopUtilization(elu).utilization;
	const serverDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
	await fleet.closeGroup({ group });
	await subject.settle([room!]);
	return { ...result, serverLoop, serverDelay, connectMs: open.connectMs };
}

/**
 * Heap of this thread per idle connection: one client keeps a document open, then `count` more join and leave,
 * `rounds` times; the median of the per-round differences, divided by `count`.
 */
export async function idleConnectionHeap(fleet: Fleet, subject: Subject, count: number, rounds = 3): Promise<number> {
	const [room] = await subject.newDocuments(1);
	const target = subject.target(room!);
	await fleet.openGroup({ group: 'idle-first', target, count: 1, tokens: subject.tokens });
	const deltas: number[] = [];
	for (let i = 0; i < rounds; i++) {
		const before = await settledHeap();
		await fleet.openGroup({ group: 'idle-rest', target, count, tokens: subject.tokens });
		await new Promise((r) => setTimeout(r, 1000)); // awareness announcements settle
		deltas.push((await settledHeap()) - before);
		await fleet.closeGroup({ group: 'idle-rest' });
	}
	await fleet.closeGroup({ group: 'idle-first' });
	await subject.settle([room!]);
	return deltas.sort((a, b) => a - b)[Math.floor(rounds / 2)]! / count;
}

export interface LoadedHeap {
	perDocument: number;
	load: LoadResult;
}

/**
 * Heap per loaded document: `count` documents with content `name` are stored and unloaded, then one client
 * opens each; the heap difference per document includes that one connection.
 */
export async function loadedDocumentHeap(fleet: Fleet, subject: Subject, name: string, count: number): Promise<LoadedHeap> {
	const rooms = await subject.newDocuments(count);
	await fleet.seed({ target: subject.target(rooms[0]!), rooms, name, tokens: subject.tokens });
	await subject.settle(rooms);
	const before = await settledHeap();
	const load = await fleet.load({ group: 'loaded', target: subject.target(rooms[0]!), rooms, name, tokens: subject.tokens });
	const after = await settledHeap();
	await fleet.closeGroup({ group: 'loaded' });
	await subject.settle(rooms);
	return { perDocument: (after - before) / count, load };
}

export interface ColdLoad {
	/** Seeding: send of the whole state → Stored ack (Tessera only). */
	storedMs: number | null;
	/** Per repetition: the document is stored and unloaded, and a fresh client opens it. */
	runs: LoadResult[];
	/** Heap held while the document is loaded with its one client (first repetition). */
	heap: number;
}

/** Cold load of content `name`: store it through the server, unload, then time fresh clients `repeat` times. */
export async function coldLoad(fleet: Fleet, subject: Subject, name: string, repeat: number): Promise<ColdLoad> {
	const [room] = await subject.newDocuments(1);
	const target = subject.target(room!);
	const seeded = await fleet.seed({ target, rooms: [room!], name, tokens: subject.tokens });
	await subject.settle([room!]);
	const runs: LoadResult[] = [];
	let heap = NaN;
	for (let i = 0; i < repeat; i++) {
		const before = i === 0 ? await settledHeap() : 0;
		runs.push(await fleet.load({ group: 'cold', target, rooms: [room!], name, tokens: subject.tokens }));
		if (i === 0) heap = (await settledHeap()) - before;
		await fleet.closeGroup({ group: 'cold' });
		await subject.settle([room!]);
	}
	return { storedMs: seeded.storedMs?.p50 ?? null, runs, heap };
}
