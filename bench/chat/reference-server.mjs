// A reference chat server with Tessera's event names, run as its own process by bench/chat/reference.ts:
//
// - bare Socket.IO (no REF_STORE): join a room, broadcast what arrives, ack. No authentication, validation,
//   storage or translation. The floor for delivery latency.
// - naive store-then-broadcast (REF_STORE=pglite:<dir> or postgres:<url>): the same, but each message is
//   first written with its own INSERT, as a straightforward implementation would.
//
// Prints one JSON line `{ "msg": "listening", "url": ... }` when ready; SIGTERM closes it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { Server } from 'socket.io';

const DDL = `create table if not exists bench_messages (
	id uuid primary key default gen_random_uuid(), seq bigint generated always as identity, space_id text not null,
	author_id text not null, client_id text not null, text text not null, lang text not null,
	created_at timestamptz not null default now(), unique (space_id, author_id, client_id))`;
const INSERT = `insert into bench_messages (space_id, author_id, client_id, text, lang) values ($1, $2, $3, $4, $5) returning id, seq, created_at`;

/** @returns {Promise<{ insert(r: { spaceId: string, authorId: string, clientId: string, text: string, lang: string }): Promise<{ id: string, seq: number, createdAt: Date }>, close(): Promise<void> } | null>} */
async function openStore(spec) {
	if (!spec) return null;
	const [driver, ...rest] = spec.split(':');
	const where = rest.join(':');
	if (driver === 'pglite') {
		const db = await PGlite.create({ dataDir: where });
		await db.exec(DDL);
		return {
			async insert(r) {
				const row = (await db.query(INSERT, [r.spaceId, r.authorId, r.clientId, r.text, r.lang])).rows[0];
				return { id: row.id, seq: Number(row.seq), createdAt: row.created_at };
			},
			close: () => db.close()
		};
	}
	const sql = postgres(where, { max: 10, onnotice: () => {} });
	await sql.unsafe(DDL);
	return {
		async insert(r) {
			const [row] = await sql.unsafe(INSERT, [r.spaceId, r.authorId, r.clientId, r.text, r.lang]);
			return { id: row.id, seq: Number(row.seq), createdAt: row.created_at };
		},
		close: () => sql.end()
	};
}

const db = await openStore(process.env.REF_STORE);
const http = createServer();
const io = new Server(http, { path: '/socket.io', serveClient: false, maxHttpBufferSize: 64 * 1024 });
let seq = 0;
io.on('connection', (socket) => {
	const authorId = randomUUID();
	socket.on('space:join', ({ spaceId }, ack) => {
		void socket.join(`space:${spaceId}`);
		ack({ ok: true, members: [] });
	});
	socket.on('chat:language', ({ lang }, ack) => ack({ ok: true, lang }));
	socket.on('chat:send', async ({ spaceId, clientId, text, lang }, ack) => {
		let stored;
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
http.listen(0, '127.0.0.1', () => {
	const { port } = http.address();
	console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
	io.close();
	void (db?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
