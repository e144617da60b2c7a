import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ClientTarget } from './fleet';

/** One server under test, started in this process on port 0. */
export interface Subject {
	/** Row label, e.g. "Tessera (PGlite)". */
	name: string;
	/** What "stored" means for it, for the report. */
	persistence: string;
	/** Client settings for a room (the document's name on the server). */
	target(room: string): ClientTarget;
	/** Bearer tokens the clients take turns with (Tessera); none for the peers, which do not authenticate. */
	tokens?: string[];
	/** Creates `n` empty documents and returns their room names. */
	newDocuments(n: number): Promise<string[]>;
	/** Waits until everything sent to these documents is stored and the server has unloaded them. */
	settle(rooms: string[]): Promise<void>;
	close(): Promise<void>;
}

/** Polls until `ok()` holds; fails after `timeoutMs` with `what` in the message. */
export async function waitFor(ok: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await ok())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (opts?: { type: 'major' }) => void;

/** This thread's V8 heap after full collections (the clients live in a worker with a heap of their own). */
export async function settledHeap(): Promise<number> {
	const samples: number[] = [];
	for (let i = 0; i < 3; i++) {
		await new Promise((r) => setTimeout(r, 50));
		gc();
		gc();
		samples.push(process.memoryUsage().heapUsed);
	}
	return samples.sort((a, b) => a - b)[1]!;
}
