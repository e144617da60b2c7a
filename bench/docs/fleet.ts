import { Worker } from 'node:worker_threads';
import type { Summary } from '../chat/fleet';

/** How a client reaches a document: y-websocket protocol (Tessera, reference) or Hocuspocus's own. */
export interface ClientTarget {
	kind: 'yws' | 'hocus';
	url: string;
	room: string;
	params?: Record<string, string>;
	/** Count update-bearing messages and read Tessera's `[100, n]` Stored acks. */
	acks?: boolean;
}

export type { Summary };

export interface FanoutResult {
	editors: number;
	sent: number;
	expected: number;
	received: number;
	latency: Summary;
	/** The same, split by whether reader and writer are on one server or on two (a group opened on several urls). */
	latencySameServer: Summary;
	latencyOtherServer: Summary;
	/** Of `expected`, deliveries to readers on another server than the writer's. */
	expectedOtherServer: number;
	/** Tessera only: send → Stored ack of the writers' updates. */
	stored: (Summary & { missing: number }) | null;
	/** Event-loop utilisation of the client worker during the window (near 1 = the clients are the bottleneck). */
	clientLoop: number;
	windowMs: number;
	/** Frames and bytes all clients received during the window (updates, awareness, acks, anything). */
	framesIn: number;
	bytesIn: number;
}

export interface LoadResult {
	syncedMs: Summary;
	completeMs: Summary;
	/** Clients whose first 'synced' came with an empty document. */
	emptyAtSync: number;
	exact: boolean;
}

interface Ops {
	openGroup(a: { group: string; target: ClientTarget; count?: number; rooms?: string[]; tokens?: string[] }): { clients: number; connectMs: Summary };
	closeGroup(a: { group: string }): { closed: number };
	fanout(a: { group: string; writers: 'one' | 'all'; intervalMs: number; warmupMs: number; durationMs: number }): FanoutResult;
	prepare(a: { name: string; edits?: number }): { bytes: number; chars: number; buildMs: number };
	seed(a: { target: ClientTarget; rooms: string[]; name: string; tokens?: string[] }): { seeded: number; storedMs: Summary | null };
	load(a: { group: string; target: ClientTarget; rooms: string[]; name: string; tokens?: string[] }): LoadResult;
}

export type Fleet = { [K in keyof Ops]: (a: Parameters<Ops[K]>[0]) => Promise<ReturnType<Ops[K]>> } & { close(): Promise<void> };

/** Starts the client worker (bench/docs/clients.mjs) and returns typed calls into it. */
export function startFleet(): Fleet {
	const worker = new Worker(new URL('./clients.mjs', import.meta.url));
	const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
	let next = 0;
	worker.on('message', ({ id, result, error }) => {
		const p = pending.get(id);
		pending.delete(id);
		if (error) p?.reject(new Error(`client worker: ${error}`));
		else p?.resolve(result);
	});
	worker.on('error', (e) => {
		for (const p of pending.values()) p.reject(e);
		pending.clear();
	});
	const call =
		(op: string) =>
		(args: object): Promise<any> =>
			new Promise((resolve, reject) => {
				const id = next++;
				pending.set(id, { resolve, reject });
				worker.postMessage({ id, op, ...args });
			});
	return {
		openGroup: call('openGroup'),
		closeGroup: call('closeGroup'),
		fanout: call('fanout'),
		prepare: call('prepare'),
		seed: call('seed'),
		load: call('load'),
		async close() {
			await worker.terminate();
		}
	};
}
