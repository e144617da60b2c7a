/**
 * Two reference chat servers with Tessera's event names (bench/chat/reference-server.mjs), each run as its own
 * process, as Tessera is, so the same clients drive all of them:
 *
 * - **bare Socket.IO**: what the library gives for free — join a room, broadcast what arrives, ack. No
 *   authentication, validation, storage or translation. The floor for delivery latency.
 * - **naive store-then-broadcast**: the same, but each message is first written with its own INSERT into the
 *   same kind of database as Tessera (PGlite in a temp directory, or PostgreSQL), as a straightforward
 *   implementation would. What Tessera's batching and the rest are measured against.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import type { Driver } from '../../tests/helpers/server';

export interface ChatSubject {
	name: string;
	/** What "acknowledged" means for it. */
	persistence: string;
	url: string;
	/** The server's process, for its CPU time. */
	pid: number | undefined;
	/** Spaces (rooms) ready for use, and the tokens of the `members` accounts seated in each (none for the references). */
	spaces: string[];
	tokens: string[];
	close(): Promise<void>;
}

/** A fresh place for the naive server's table, and how to remove it. */
async function naiveStore(driver: Driver, adminUrl: string): Promise<{ spec: string; drop(): Promise<void> }> {
	if (driver === 'pglite') {
		const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-chat-ref-'));
		return { spec: `pglite:${dir}`, drop: () => rm(dir, { recursive: true, force: true }) };
	}
	const name = `tessera_bench_ref_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`).finally(() => admin.end());
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		spec: `postgres:${url.href}`,
		async drop() {
			const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await a.unsafe(`drop database if exists "${name}" with (force)`).finally(() => a.end());
		}
	};
}

/** A reference server process on port 0 with `spaceCount` rooms; `store` makes it the naive store-then-broadcast one. */
export async function startReference({ spaceCount, store }: { spaceCount: number; store?: { driver: Driver; adminUrl: string } }): Promise<ChatSubject> {
	const db = store ? await naiveStore(store.driver, store.adminUrl) : null;
	const child = spawn(process.execPath, [fileURLToPath(new URL('./reference-server.mjs', import.meta.url))], {
		env: { ...process.env, REF_STORE: db?.spec ?? '' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<void>((r) => child.once('exit', () => r()));
	const close = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		// A server past its capacity can still have sends queued for the database: do not wait for ever.
		const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
		await exited.finally(() => clearTimeout(timer));
		await db?.drop();
	};
	const output: string[] = [];
	child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
	try {
		const url = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`reference server did not listen within 30 s:\n${output.join('')}`)), 30_000);
			createInterface({ input: child.stdout! }).on('line', (line) => {
				try {
					const entry = JSON.parse(line) as { msg?: string; url?: string };
					if (entry.msg === 'listening' && entry.url) (clearTimeout(timer), resolve(entry.url));
				} catch {
					output.push(line);
				}
			});
			void exited.then(() => (clearTimeout(timer), reject(new Error(`reference server exited before listening:\n${output.join('')}`))));
		});
		const label = store ? `naive store-then-broadcast (${store.driver === 'pglite' ? 'PGlite' : 'PostgreSQL'})` : 'bare Socket.IO';
		return {
			name: label,
			persistence: store ? 'one INSERT per message, then ack and broadcast' : 'none: broadcast and ack at once',
			url,
			pid: child.pid,
			spaces: Array.from({ length: spaceCount }, () => randomUUID()),
			tokens: [],
			close
		};
	} catch (e) {
		await close();
		throw e;
	}
}
