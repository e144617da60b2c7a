import v8 from 'node:v8';
import vm from 'node:vm';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyncStep, YjsMessage } from '../../src/lib/protocol/docs';
import { createSpace, newUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { createStore, databaseDoc, startOnStore, type Store } from '../helpers/yjs-store';
import {
	appendParagraph,
	awarenessFrame,
	decodeFrame,
	paragraphs,
	rawSynced,
	relayStats,
	storedState,
	sharedDocument,
	updateFrame,
	YClient
} from '../helpers/yjs';

const drivers = await availableDrivers();

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
function heapAfterGc(): number {
	for (let i = 0; i < 4; i++) gc();
	return process.memoryUsage().heapUsed;
}

describe.each(drivers)('document lifecycle (%s)', (driver) => {
	let store: Store;
	let server: TestServer;
	let url: string;
	const clients: YClient[] = [];
	const open = (docId: string, who: { token: string }, acks = true) => {
		const c = new YClient({ url, docId, token: who.token, acks });
		clients.push(c);
		return c;
	};
	const synced = async (docId: string, who: { token: string }) => {
		const c = open(docId, who);
		await c.waitSynced();
		return c;
	};
	async function restart() {
		await server.close();
		server = await startOnStore(store);
		url = server.url;
	}
	const allUnloaded = () => waitFor(() => relayStats(server).documents === 0 && relayStats(server).connections === 0, { timeoutMs: 30_000, what: 'every document unloaded' });

	beforeAll(async () => {
		store = await createStore(driver);
		server = await startOnStore(store);
		url = server.url;
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(async () => {
		await server?.close();
		await store?.drop();
	});

	it('when the Stored count covers every frame sent, the edit is already in the database, and a restarted server serves it', async () => {
		const owner = await newUser(url);
		const { docId } = await sharedDocument(url, owner);
		const c = await synced(docId, owner);
		for (let i = 0; i < 10; i++) {
			appendParagraph(c.doc, `line ${i}`);
			await c.waitStored();
			// Read straight from doc_updates + doc_snapshots: the ack promises storage, not memory.
			expect(paragraphs(await databaseDoc(server.db, docId))).toEqual(paragraphs(c.doc));
		}
		// A burst is acknowledged as a whole, without one write per frame being required.
		for (let i = 10; i < 60; i++) appendParagraph(c.doc, `line ${i}`);
		await c.waitStored();
		expect(paragraphs(await databaseDoc(server.db, docId))).toHaveLength(60);
		expect(c.overAcks).toBe(0);
		const expected = paragraphs(c.doc);
		c.destroy();

		await restart();
		const fresh = await synced(docId, owner);
		expect(paragraphs(fresh.doc)).toEqual(expected);
	});

	it('stopping the server closes open document connections with 1001, after storing every update it received', async () => {
		const owner = await newUser(url);
		const { docId } = await sharedDocument(url, owner);
		const c = await synced(docId, owner);
		appendParagraph(c.doc, 'just before the shutdown'); // not waiting for its ack
		const closed = c.nextClose(15_000);
		closed.catch(() => {}); // awaited below only when the stop finished
		const stopping = server.close();
		let timer: NodeJS.Timeout | undefined;
		const outcome = await Promise.race([stopping.then(() => 'stopped'), new Promise<string>((res) => (timer = setTimeout(res, 10_000, 'still stopping after 10 s')))]);
		clearTimeout(timer);
		if (outcome !== 'stopped') {
			c.destroy(); // let the stop finish, so the rest of the file can run
			await stopping;
		}
		server = await startOnStore(store);
		url = server.url;
		expect(outcome, 'server.close() with a document connection open').toBe('stopped');
		expect((await closed).code).toBe(1001);
		c.destroy();
		const fresh = await synced(docId, owner);
		expect(paragraphs(fresh.doc)).toEqual(['just before the shutdown']);
	});

	it('a client that did not ask for acks never receives a Stored message', async () => {
		const owner = await newUser(url);
		const { docId } = await sharedDocument(url, owner);
		const plain = open(docId, owner, false);
		const types: number[] = [];
		plain.events.on('message', (b: Uint8Array) => types.push(decodeFrame(b).type));
		await plain.waitSynced();
		appendParagraph(plain.doc, 'no acks please');
		const watcher = await synced(docId, owner);
		await waitFor(() => paragraphs(watcher.doc).length === 1, { what: 'edit relayed' });
		appendParagraph(watcher.doc, 'echo');
		await waitFor(() => paragraphs(plain.doc).length === 2, { what: 'edit relayed back' });
		expect(types).not.toContain(YjsMessage.Stored);
	});

	it('a stored document is loaded before any reply: the first sync state a client sees already holds the content', async () => {
		const owner = await newUser(url);
		const { docId } = await sharedDocument(url, owner);
		const writer = await synced(docId, owner);
		for (let i = 0; i < 5; i++) appendParagraph(writer.doc, `kept ${i}`);
		await writer.waitStored();
		const expected = paragraphs(writer.doc);
		writer.destroy();
		await allUnloaded();

		async function firstSights(n: number) {
			// Several clients at once race the load; each records what it holds when it first reports synced,
			// and what the first sync step 2 from the server contained.
			const seen = Array.from({ length: n }, () => open(docId, owner)).map((c) => {
				let firstStep2: string[] | null = null;
				c.events.on('message', (b: Uint8Array) => {
					const d = decodeFrame(b);
					if (firstStep2 || d.type !== YjsMessage.Sync || d.step !== SyncStep.Step2) return;
					const probe = new Y.Doc();
					Y.applyUpdate(probe, d.update!);
					firstStep2 = paragraphs(probe);
				});
				return new Promise<{ atSync: string[]; firstStep2: string[] | null }>((res) =>
					c.provider.on('sync', (s: boolean) => s && res({ atSync: paragraphs(c.doc), firstStep2 }))
				);
			});
			return Promise.all(seen);
		}
		for (const sight of await firstSights(5)) expect(sight).toEqual({ atSync: expected, firstStep2: expected });

		// The same after a restart, when the document was never in this process's memory.
		for (const c of clients.splice(0)) c.destroy();
		await restart();
		for (const sight of await firstSights(3)) expect(sight).toEqual({ atSync: expected, firstStep2: expected });
	});

	it('a document unloads after its last client leaves, and 1,000 documents opened and closed leave memory near its baseline', async () => {
		const owner = await newUser(url);
		const spaceId = await createSpace(url, owner);
		const ids: string[] = [];
		for (let i = 0; i < 1_050; i++) ids.push((await server.app.docs.create({ spaceId, userId: owner.id, kind: 'text', title: `doc ${i}` })).id);
		await allUnloaded();

		/** Opens a document and stores one edit in it; the caller closes the connection. */
		async function edit(docId: string) {
			const c = await rawSynced(url, docId, owner.token, { acks: true });
			const doc = new Y.Doc();
			appendParagraph(doc, `visited ${docId}`);
			c.send(updateFrame(Y.encodeStateAsUpdate(doc)));
			await c.message((d) => d.type === YjsMessage.Stored && d.stored! >= 1);
			doc.destroy();
			return c;
		}
		async function visitAll(docIds: string[]) {
			for (let i = 0; i < docIds.length; i += 25) {
				await Promise.all(
					docIds.slice(i, i + 25).map(async (id) => {
						const c = await edit(id);
						c.ws.close();
						await c.closed;
					})
				);
			}
		}

		// One document: loaded while someone is in it, gone once they leave.
		const one = await rawSynced(url, ids[0]!, owner.token);
		expect(relayStats(server)).toMatchObject({ documents: 1, connections: 1 });
		one.ws.close();
		await allUnloaded();

		await visitAll(ids.slice(0, 50)); // warm up code paths and pools before measuring
		await allUnloaded();
		const baseline = heapAfterGc();
		await visitAll(ids.slice(50));
		await allUnloaded();
		const growth = heapAfterGc() - baseline;
		expect(relayStats(server)).toMatchObject({ documents: 0, connections: 0 });
		// Generous (runs grow by 1-1.5 MB): an open document with its connection costs 10-20 KB here, so
		// keeping what 1,000 of them held would show as 10 MB or more.
		expect(growth / 1024 / 1024, 'heap growth in MB').toBeLessThan(6);
		// And the edits were kept.
		expect(paragraphs(await storedState(url, ids[999]!, owner.token))).toEqual([`visited ${ids[999]}`]);
	}, 300_000);

	describe('ping/pong liveness', () => {
		let live: TestServer;
		beforeAll(async () => {
			live = await startTestServer({ db: driver, config: { docsPingIntervalMs: 100 } });
		});
		afterAll(() => live?.close());

		it('a client that stops answering pings is closed and its awareness removed for the others; a live one stays', async () => {
			const owner = await newUser(live.url);
			const { docId } = await sharedDocument(live.url, owner);
			const alive = new YClient({ url: live.url, docId, token: owner.token });
			clients.push(alive);
			await alive.waitSynced();

			const ghost = await rawSynced(live.url, docId, owner.token, { autoPong: false });
			const ghostDoc = new Y.Doc();
			const awareness = new Awareness(ghostDoc);
			awareness.setLocalState({ user: { name: 'ghost' } });
			ghost.send(awarenessFrame(encodeAwarenessUpdate(awareness, [ghostDoc.clientID])));
			await waitFor(() => alive.provider.awareness.getStates().has(ghostDoc.clientID), { what: 'ghost awareness seen' });

			const closed = await ghost.closed;
			expect(ghost.pings).toBeGreaterThan(0);
			expect(closed.code).not.toBe(1000);
			await waitFor(() => !alive.provider.awareness.getStates().has(ghostDoc.clientID), { what: 'ghost awareness removed' });
			// The stock client answers pings itself and was never dropped.
			expect(alive.closes).toEqual([]);
			expect(alive.connections).toBe(1);
			awareness.destroy();
			ghostDoc.destroy();
		});
	});
});
