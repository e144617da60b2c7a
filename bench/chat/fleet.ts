import { Worker } from 'node:worker_threads';

export interface Summary {
	n: number;
	p50: number;
	p99: number;
	max: number;
	mean: number;
}

/** One socket: which space it sits in and which language it reads. Token absent for the reference servers. */
export interface Seat {
	token?: string;
	/** The server this socket connects to, when the seats are spread over several (default: `open`'s url). */
	url?: string;
	spaceId: string;
	lang: string;
}

export interface LoadResult {
	/** Messages sent inside the measured window, and how many of them were acknowledged. */
	sent: number;
	acked: number;
	errors: Record<string, number>;
	/** sent × (room size − 1): every other member of the room should get each message once. */
	expectedDeliveries: number;
	/** Send → `chat:message` at each other member of the room. */
	delivered: Summary;
	/** The same, split by whether the reader's socket is on the author's server or on another (seats with urls). */
	deliveredSameServer: Summary;
	deliveredOtherServer: Summary;
	/** Send → ack (for Tessera: stored). */
	ack: Summary;
	/** Distinct (message, language) translations that reached readers during the run. */
	translations: number;
	translationEvents: number;
	unavailable: number;
	/** Event-loop utilisation of the client worker in the window (near 1: the clients set the pace). */
	clientLoop: number;
	windowMs: number;
}

/** The client worker (bench/chat/clients.mjs) and typed calls into it. */
export function startClients() {
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
	const call = <T>(op: string, args: object = {}): Promise<T> =>
		new Promise((resolve, reject) => {
			const id = next++;
			pending.set(id, { resolve, reject });
			worker.postMessage({ id, op, ...args });
		});
	return {
		open: (a: { url: string; seats: Seat[] }) => call<{ clients: number; connectMs: number }>('open', a),
		load: (a: { perClientPerSecond: number; warmupMs: number; durationMs: number; drainMs?: number; seed?: number }) => call<LoadResult>('load', a),
		disconnect: () => call<{ closed: boolean }>('close'),
		async close() {
			await worker.terminate();
		}
	};
}

export type Clients = ReturnType<typeof startClients>;
