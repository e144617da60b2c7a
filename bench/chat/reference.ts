/**
 * Two reference chat servers with Tessera's event names, so the same clients drive all of them:
 *
 * - **bare Socket.IO**: what the library gives for free — join a room, broadcast what arrives, ack. No
 *   authentication, validation, storage or translation. The floor for delivery latency.
 * - **naive store-then-broadcast**: the same, but each message is first written with its own INSERT into the
 *   same kind of database as Tessera (PGlite in a temp directory, or PostgreSQL), as a straightforward
 *   implementation would. What Tessera's batching and the rest are measured against.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { Server } from 'socket.io';
import type { Driver } from '../../tests/helpers/server';

export interface ChatSubject {
	name: string;
	/** What "acknowledged" means for it. */
	persistence: string;
	url: string;
	/** Spaces (rooms) ready for use, and the tokens of the `members` accounts seated in each (none for the references). */
	spaces: string[];
	tokens: string[];
	close(): Promise<void>;
}

type Insert = (row: { spaceId: string; authorId: string; clientId: string; text: string; lang: string }) => Promise<{ id: string; seq: number; createdAt: Date }>;

async function naiveStore(driver: Driver, adminUrl: string): Promise<{ insert: Insert; close(): Promise<void> }> {
	const ddl = `create table if not exists bench_messages (
		id uuid primary key default gen_random_uuid(), seq bigint generated always as identity, space_id text not null,
		author_id text not null, client_id text not null, text text not null, lang text not null,
		created_at timestamptz not null default now(), unique (space_id, author_id, client_id))`;
	const insertSql = `insert into bench_messages (space_id, author_id, client_id, text, lang) values ($1, $2, $3, $4, $5) returning id, seq, created_at`;
	if (driver === 'pglite') {
		const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-chat-ref-'));
		const db = await PGlite.create({ dataDir: dir });
		await db.exec(ddl);
		return {
			async insert(r) {
				const res = await db.query<{ id: string; seq: number; created_at: Date }>(insertSql, [r.spaceId, r.authorId, r.clientId, r.text, r.lang]);
				const row = res.rows[0]!;
				return { id: row.id, seq: Number(row.seq), createdAt: row.created_at };
			},
			async close() {
				await db.close();
				await rm(dir, { recursive: true, force: true });
			}
		};
	}
	const name = `tessera_bench_ref_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const sql = postgres(url.href, { max: 10, onnotice: () => {} });
	await sql.unsafe(ddl);
	return {
		async insert(r) {
			const [row] = await sql.unsafe<{ id: string; seq: string; created_at: Date }[]>(insertSql, [r.spaceId, r.authorId, r.clientId, r.text, r.lang]);
			return { id: row!.id, seq: Number(row!.seq), createdAt: row!.created_at };
		},
		async close() {
			await sql.end();
			const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await a.unsafe(`drop database if exists "${name}" with (force)`);
			await a.end();
		}
	};
}

/** A reference server on port 0 with `spaceCount` rooms; `store` makes it the naive store-then-broadcast one. */
export async function startReference({ spaceCount, store }: { spaceCount: number; store?: { driver: Driver; adminUrl: string } }): Promise<ChatSubject> {
	const http = createServer();
	const io = new Server(http, { path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 });
	const db = store ? await naiveStore(store.driver, store.adminUrl) : null;
	let seq = 0;
	io.on('connection', (socket) => {
		const authorId = randomUUID();
		socket.on('space:join', ({ spaceId }, ack) => {
			void socket.join(`space:${spaceId}`);
			ack({ ok: true, members: [] });
		});
		socket.on('chat:language', ({ lang }, ack) => ack({ ok: true, lang }));
		socket.on('chat:send', async ({ spaceId, clientId, text, lang }, ack) => {
			let stored: { id: string; seq: number; createdAt: Date };
			try {
				stored = db ? await db.insert({ spaceId, authorId, clientId, text, lang }) : { id: randomUUID(), seq: ++seq, createdAt: new Date() };
			} catch {
				// Only when the run is over and the database already gone.
				return ack({ ok: false, error: { code: 'internal', message: 'not stored' } });
			}
			const message = { ...stored, createdAt: stored.createdAt.toISOString(), spaceId, authorId, authorName: 'x', text, lang, clientId, editedAt: null, deletedAt: null };
			ack({ ok: true, message });
			io.to(`space:${spaceId}`).emit('chat:message', message);
		});
	});
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const { port } = http.address() as AddressInfo;
	const label = store ? `naive store-then-broadcast (${store.driver === 'pglite' ? 'PGlite' : 'PostgreSQL'})` : 'bare Socket.IO';
	return {
		name: label,
		persistence: store ? 'one INSERT per message, then ack and broadcast' : 'none: broadcast and ack at once',
		url: `http://127.0.0.1:${port}`,
		spaces: Array.from({ length: spaceCount }, () => randomUUID()),
		tokens: [],
		async close() {
			// A server past its capacity can still have sends queued for the database: do not wait for ever.
			const settle = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setTimeout(r, 10_000).unref())]);
			await settle(new Promise<void>((r) => io.close(() => r())));
			await settle(db?.close() ?? Promise.resolve());
		}
	};
}
