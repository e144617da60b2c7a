/**
 * The two peers, each as it would be deployed with persistence, in this process on port 0:
 *  - the classic reference server, y-websocket@1.5.4 `bin/utils.js` `setupWSConnection` on node:http + ws,
 *    with the LevelDB persistence its own YPERSISTENCE option installs (y-leveldb; every update is written,
 *    unawaited, and a document is served before its stored state is read);
 *  - Hocuspocus 3.4.4 with what @hocuspocus/extension-database does (fetch the whole state on load, store the
 *    whole state on its 2 s / 10 s debounce and when the last client leaves), here into a PGlite table.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Server as HocuspocusServer } from '@hocuspocus/server';
import { WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { waitFor, type Subject } from './subject';

const require = createRequire(import.meta.url);

interface ReferenceUtils {
	setupWSConnection(conn: unknown, req: unknown, opts?: { docName?: string }): void;
	setPersistence(p: unknown): void;
	docs: Map<string, unknown>;
}

/** y-websocket 1.5.4's server with its LevelDB persistence. Its state is module-level, so start it once. */
export async function startReference(): Promise<Subject> {
	const utils = require('y-websocket-reference/bin/utils') as ReferenceUtils;
	// The same CommonJS Yjs the reference uses, so documents and updates stay within one Yjs instance.
	const Ycjs = require('yjs') as typeof Y;
	const { LeveldbPersistence } = require('y-leveldb') as { LeveldbPersistence: new (dir: string) => any };
	const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-leveldb-'));
	const ldb = new LeveldbPersistence(dir);
	// Verbatim the persistence bin/utils.js installs when YPERSISTENCE is set (it reads the variable at import).
	utils.setPersistence({
		provider: ldb,
		bindState: async (docName: string, ydoc: Y.Doc) => {
			const persistedYdoc = await ldb.getYDoc(docName);
			const newUpdates = Ycjs.encodeStateAsUpdate(ydoc);
			ldb.storeUpdate(docName, newUpdates);
			Ycjs.applyUpdate(ydoc, Ycjs.encodeStateAsUpdate(persistedYdoc));
			ydoc.on('update', (update: Uint8Array) => {
				ldb.storeUpdate(docName, update);
			});
		},
		writeState: async () => {}
	});

	const http = createServer((_req, res) => res.writeHead(404).end());
	const wss = new WebSocketServer({ server: http });
	wss.on('connection', (conn, req) => utils.setupWSConnection(conn, req));
	await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
	const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;

	return {
		name: 'y-websocket 1.5.4 (LevelDB)',
		persistence: 'y-leveldb, every update written without waiting (YPERSISTENCE)',
		target: (room) => ({ kind: 'yws', url, room }),
		newDocuments: async (n) => Array.from({ length: n }, () => `ref-${randomUUID()}`),
		async settle(rooms) {
			await waitFor(() => rooms.every((r) => !utils.docs.has(r)), 'reference unload');
			await ldb.tr; // y-leveldb chains every write on this promise
		},
		async close() {
			for (const c of wss.clients) c.terminate();
			wss.close();
			http.closeAllConnections();
			await new Promise((r) => http.close(r));
			await ldb.destroy();
			await rm(dir, { recursive: true, force: true });
		}
	};
}

/** Hocuspocus 3.4.4 storing the whole document state in a PGlite table, as its Database extension would. */
export async function startHocuspocus(): Promise<Subject> {
	const dir = await mkdtemp(join(tmpdir(), 'tessera-bench-hocuspocus-'));
	const db = new PGlite(dir);
	await db.exec('create table documents (name text primary key, data bytea not null)');
	const server = new HocuspocusServer({
		port: 0,
		address: '127.0.0.1',
		quiet: true,
		stopOnSignals: false,
		extensions: [
			{
				async onLoadDocument({ document, documentName }) {
					const { rows } = await db.query<{ data: Uint8Array }>('select data from documents where name = $1', [documentName]);
					if (rows[0]) Y.applyUpdate(document, rows[0].data);
				},
				async onStoreDocument({ document, documentName }) {
					const state = Buffer.from(Y.encodeStateAsUpdate(document));
					await db.query('insert into documents (name, data) values ($1, $2) on conflict (name) do update set data = excluded.data', [documentName, state]);
				}
			}
		]
	});
	await server.listen();
	const url = `ws://127.0.0.1:${server.address.port}`;
	const hp = server.hocuspocus;
	const isLoaded = (room: string) => hp.documents.has(room) || hp.loadingDocuments.has(room) || hp.unloadingDocuments.has(room);

	return {
		name: 'Hocuspocus 3.4.4 (PGlite)',
		persistence: 'whole state into PGlite on the 2 s debounce (10 s max) and when the last client leaves',
		target: (room) => ({ kind: 'hocus', url, room }),
		newDocuments: async (n) => Array.from({ length: n }, () => `hp-${randomUUID()}`),
		async settle(rooms) {
			await waitFor(() => rooms.every((r) => !isLoaded(r)), 'hocuspocus store and unload');
		},
		async close() {
			await server.destroy();
			await db.close();
			await rm(dir, { recursive: true, force: true });
		}
	};
}
