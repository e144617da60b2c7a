import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/codes';
import { docUpdates, spaceMembers } from '../../server/db/schema';
import { api, newUser, type TestUser } from '../helpers/api';
import { cutSubscriber, holdUpdateLog, redisAvailable, startCluster, type Cluster } from '../helpers/cluster';
import type { TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { databaseDoc } from '../helpers/yjs-store';
import { appendParagraph, paragraphs, relayStats, sharedDocument, waitConverged, YClient } from '../helpers/yjs';

// Yjs documents across two Tessera processes (A and B) sharing Redis and PostgreSQL: edits and awareness
// cross between them, each update is stored once, loading and compaction stay whole, and closing a
// connection reaches whichever process holds it.

const redis = await redisAvailable();

describe.runIf(redis)('documents across two processes', () => {
	let cluster: Cluster;
	let a: TestServer;
	let b: TestServer;
	let admin: TestUser;
	const clients: YClient[] = [];
	const open = (server: TestServer, docId: string, who: { token: string }) => {
		const c = new YClient({ url: server.url, docId, token: who.token });
		clients.push(c);
		return c;
	};
	const synced = async (server: TestServer, docId: string, who: { token: string }) => {
		const c = open(server, docId, who);
		await c.waitSynced();
		return c;
	};
	/** Stored rows of a document, by author. */
	const rowsByAuthor = async (docId: string) => {
		const rows = await a.db
			.select({ authorId: docUpdates.authorId, n: sql<number>`count(*)::int` })
			.from(docUpdates)
			.where(eq(docUpdates.documentId, docId))
			.groupBy(docUpdates.authorId);
		return Object.fromEntries(rows.map((r) => [r.authorId ?? 'none', r.n]));
	};

	beforeAll(async () => {
		cluster = await startCluster({ nodes: 2 });
		[a, b] = cluster.nodes as [TestServer, TestServer];
		admin = await newUser(a.url); // the first account is the admin
	});
	afterAll(() => cluster?.close());
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});

	it('an edit made on A reaches a client on B, and one made on B reaches A', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onA = await synced(a, docId, owner);
		const onB = await synced(b, docId, member);
		appendParagraph(onA.doc, 'written on A');
		await waitConverged([onA, onB]);
		expect(paragraphs(onB.doc)).toEqual(['written on A']);
		appendParagraph(onB.doc, 'written on B');
		await waitConverged([onA, onB]);
		expect(paragraphs(onA.doc)).toEqual(['written on A', 'written on B']);
	});

	it('awareness of a client on A shows on B under the person’s name, and goes when that client disconnects', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onA = await synced(a, docId, owner);
		const onB = await synced(b, docId, member);
		const seenOnB = () => onB.provider.awareness.getStates().get(onA.doc.clientID) as { user?: { name?: string; id?: string } } | undefined;
		onA.provider.awareness.setLocalStateField('user', { name: 'Someone else', color: '#0a5' });
		await waitFor(() => seenOnB()?.user?.id === owner.user.id, { what: 'awareness from A on B' });
		expect(seenOnB()).toMatchObject({ user: { name: owner.user.profile.displayName, color: '#0a5' } });
		// A client opening the document on B later is shown A's state at once (B answers from what it holds).
		const late = await synced(b, docId, member);
		await waitFor(() => late.provider.awareness.getStates().has(onA.doc.clientID), { what: 'awareness from A given to a late joiner on B' });
		// No goodbye from the client: A notices the dropped socket and tells B, well before the 30 s timeout.
		onA.provider.shouldConnect = false;
		onA.dropConnection();
		await waitFor(() => !onB.provider.awareness.getStates().has(onA.doc.clientID) && !late.provider.awareness.getStates().has(onA.doc.clientID), {
			timeoutMs: 10_000,
			what: 'awareness removed on B'
		});
	});

	it('each update is stored once, by the process its author is connected to, under its author', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onA = await synced(a, docId, owner);
		const onB = await synced(b, docId, member);
		for (let i = 0; i < 12; i++) {
			appendParagraph(onA.doc, `from A number ${i}`);
			if (i % 2 === 0) appendParagraph(onB.doc, `from B number ${i}`);
		}
		await onA.waitStored();
		await onB.waitStored();
		await waitConverged([onA, onB]);
		// Both processes have applied everything: whatever either would store is queued; wait until it is written.
		await Promise.all([a.app.docs.relay.flush(), b.app.docs.relay.flush()]);
		expect(await rowsByAuthor(docId)).toEqual({ [owner.user.id]: 12, [member.user.id]: 6 });
		expect(paragraphs((await databaseDoc(a.db, docId)))).toEqual(paragraphs(onA.doc));
	});

	it('a document first opened on B while A holds edits not yet stored loads with them: never empty, never missing them', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onA = await synced(a, docId, owner);
		appendParagraph(onA.doc, 'stored before');
		await onA.waitStored();
		// Hold every write to the update log (reads go on): A's next edits stay in its memory only.
		const sqlClient = postgres(cluster.store.config.databaseUrl!, { max: 1, onnotice: () => {} });
		const hold = await holdUpdateLog(sqlClient);
		try {
			const sentBefore = onA.conn!.sent;
			appendParagraph(onA.doc, 'held one');
			appendParagraph(onA.doc, 'held two');
			await waitFor(() => onA.conn!.sent >= sentBefore + 2, { what: 'edits sent to A' });
			const onB = open(b, docId, member);
			let firstSeen: string[] | null = null;
			onB.provider.once('sync', () => (firstSeen = paragraphs(onB.doc)));
			await onB.waitSynced();
			// What B's client first saw was the stored document, not an empty one...
			expect(firstSeen).toContain('stored before');
			// ...and what A holds unstored arrives from A while the log is still locked.
			await waitConverged([onA, onB]);
			expect(paragraphs(onB.doc)).toEqual(['stored before', 'held one', 'held two']);
			expect(onA.conn!.stored).toBeLessThan(onA.conn!.sent);
		} finally {
			await hold.release();
			await sqlClient.end();
		}
		await onA.waitStored();
		await Promise.all([a.app.docs.relay.flush(), b.app.docs.relay.flush()]);
		expect(await rowsByAuthor(docId)).toEqual({ [owner.user.id]: 3 });
	});

	it('what B missed while its connection to Redis was down reaches its clients once it is back', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onA = await synced(a, docId, owner);
		const onB = await synced(b, docId, member);
		appendParagraph(onA.doc, 'before the outage');
		await waitConverged([onA, onB]);
		// Cut B's subscriber connection (only that one): what A publishes now never reaches B.
		await cutSubscriber(b.app.scale.nodeId);
		appendParagraph(onA.doc, 'during the outage');
		await onA.waitStored();
		// B resubscribes, asks A for what it lacks, and A answers.
		await waitConverged([onA, onB]);
		expect(paragraphs(onB.doc)).toEqual(['before the outage', 'during the outage']);
	});

	it('access that ended while B could not hear of it is caught when B’s connection to Redis comes back: the document connection closes', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { spaceId, docId } = await sharedDocument(a.url, owner, { members: [member] });
		const ownerOnB = await synced(b, docId, owner);
		const memberOnB = await synced(b, docId, member);
		// The membership ends with no word to any process (as when the closing message is lost in a Redis outage)...
		await a.db.delete(spaceMembers).where(and(eq(spaceMembers.spaceId, spaceId), eq(spaceMembers.userId, member.user.id)));
		const closed = memberOnB.nextClose(10_000);
		// ...then B's subscriber connection drops and comes back.
		await cutSubscriber(b.app.scale.nodeId);
		expect((await closed).code).toBe(CloseCode.SessionEnded);
		expect(ownerOnB.closes).toEqual([]);
	});

	it('a process that dies: an edit it never stored is stored by B (which never heard it confirmed), and its clients’ awareness goes from B (y-protocols’ 30 s timeout)', async () => {
		// The process that will die gives up on a blocked write quickly instead of waiting for the lock (and committing
		// after its death, which a blocked statement would).
		const dbName = new URL(cluster.store.config.databaseUrl!).pathname.slice(1);
		const sqlClient = postgres(cluster.store.config.databaseUrl!, { max: 1, onnotice: () => {} });
		await sqlClient.unsafe(`alter database "${dbName}" set lock_timeout = '200ms'`);
		const doomed = await cluster.spawn().finally(() => sqlClient.unsafe(`alter database "${dbName}" reset lock_timeout`));
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const onDoomed = new YClient({ url: doomed.url, docId, token: owner.token });
		clients.push(onDoomed);
		await onDoomed.waitSynced();
		const onB = await synced(b, docId, member);
		onDoomed.provider.awareness.setLocalStateField('user', { color: '#a50' });
		await waitFor(() => onB.provider.awareness.getStates().has(onDoomed.doc.clientID), { what: 'awareness from the doomed process on B' });
		const hold = await holdUpdateLog(sqlClient);
		try {
			appendParagraph(onDoomed.doc, 'only in memory');
			await waitConverged([onDoomed, onB]);
			doomed.child.kill('SIGKILL');
			await doomed.exited;
		} finally {
			await hold.release();
			await sqlClient.end();
		}
		onDoomed.destroy();
		// The dead process never said the edit was stored: B, which applied it, stores it under its author, with
		// the document still open there.
		await waitFor(async () => (await rowsByAuthor(docId))[owner.user.id] === 1, { timeoutMs: 15_000, what: 'the unconfirmed edit stored by B' });
		expect(await rowsByAuthor(docId)).toEqual({ [owner.user.id]: 1 });
		expect(paragraphs(await databaseDoc(a.db, docId))).toEqual(['only in memory']);
		await waitFor(() => !onB.provider.awareness.getStates().has(onDoomed.doc.clientID), { timeoutMs: 45_000, what: 'awareness of the dead process’s client gone on B' });
		// B unloads the document: the snapshot holds the edit as well.
		onB.destroy();
		await waitFor(() => !b.app.docs.relay.liveState(docId), { timeoutMs: 10_000, what: 'document unloaded on B' });
		expect(paragraphs(await databaseDoc(a.db, docId))).toEqual(['only in memory']);
	}, 60_000);

	it('removing a member through the API on A closes their document connection on B within 2 s', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { spaceId, docId } = await sharedDocument(a.url, owner, { members: [member] });
		const ownerOnB = await synced(b, docId, owner);
		const memberOnB = await synced(b, docId, member);
		const closed = memberOnB.nextClose(2_000);
		const res = await api(a.url, `/api/v1/spaces/${spaceId}/members/${member.user.id}`, { method: 'DELETE', token: owner.token });
		expect(res.status).toBe(204);
		expect((await closed).code).toBe(CloseCode.SessionEnded);
		expect(ownerOnB.closes).toEqual([]);
	});

	it('suspending an account through the API on A closes its document connections on B within 2 s', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const memberOnB = await synced(b, docId, member);
		const memberOnA = await synced(a, docId, member);
		const closes = [memberOnB.nextClose(2_000), memberOnA.nextClose(2_000)];
		const res = await api(a.url, `/api/v1/users/${member.user.id}`, { method: 'PATCH', token: admin.token, body: { suspended: true } });
		expect(res.status).toBe(200);
		for (const close of await Promise.all(closes)) expect(close.code).toBe(CloseCode.SessionEnded);
	});
});

describe.runIf(redis)('compaction with two processes writing one document', () => {
	let cluster: Cluster;
	let a: TestServer;
	let b: TestServer;
	const clients: YClient[] = [];
	beforeAll(async () => {
		cluster = await startCluster({ nodes: 2, config: { docsCompactAfterUpdates: 5 } });
		[a, b] = cluster.nodes as [TestServer, TestServer];
	});
	afterAll(() => cluster?.close());
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	const synced = async (server: TestServer, docId: string, who: { token: string }) => {
		const c = new YClient({ url: server.url, docId, token: who.token });
		clients.push(c);
		await c.waitSynced();
		return c;
	};
	const unloaded = () => waitFor(() => relayStats(a).documents === 0 && relayStats(b).documents === 0, { timeoutMs: 10_000, what: 'documents unloaded on both' });

	it('writers on both processes, both compacting: the database holds everything acknowledged', async () => {
		const [owner, member] = [await newUser(a.url), await newUser(a.url)];
		const { docId } = await sharedDocument(a.url, owner, { members: [member] });
		const writers = [await synced(a, docId, owner), await synced(a, docId, member), await synced(b, docId, owner), await synced(b, docId, member)];
		const before = [relayStats(a).compactions, relayStats(b).compactions];
		const written: string[] = [];
		for (let round = 0; round < 40; round++) {
			writers.forEach((w, i) => {
				const text = `writer ${i} line ${round}`;
				appendParagraph(w.doc, text);
				written.push(text);
			});
			// Let batches commit on both processes between rounds, so compactions run while the others write.
			if (round % 4 === 3) await new Promise((r) => setImmediate(r));
		}
		for (const w of writers) await w.waitStored(30_000);
		await waitConverged(writers);
		for (const w of writers) w.destroy();
		clients.splice(0);
		// Unloading waits for the last batch and the last compaction.
		await unloaded();
		expect(relayStats(a).compactions).toBeGreaterThan(before[0]!);
		expect(relayStats(b).compactions).toBeGreaterThan(before[1]!);
		const stored = paragraphs(await databaseDoc(a.db, docId));
		expect([...stored].sort()).toEqual([...written].sort());
	});

	it('a row another process stored that never reached A (a message lost while Redis was away) survives A’s compaction', async () => {
		const owner = await newUser(a.url);
		const { docId } = await sharedDocument(a.url, owner);
		const onA = await synced(a, docId, owner);
		appendParagraph(onA.doc, 'first');
		await onA.waitStored();
		// Stored by "another process", its update lost on the way: in the log, not in A's memory.
		const lost = new Y.Doc();
		appendParagraph(lost, 'never reached A');
		const sqlClient = postgres(cluster.store.config.databaseUrl!, { max: 1, onnotice: () => {} });
		try {
			await sqlClient`insert into doc_updates (document_id, author_id, data) values (${docId}, ${owner.user.id}, ${Buffer.from(Y.encodeStateAsUpdate(lost))})`;
		} finally {
			await sqlClient.end();
		}
		const compactionsBefore = relayStats(a).compactions;
		for (let i = 0; i < 8; i++) appendParagraph(onA.doc, `after ${i}`);
		await onA.waitStored();
		await waitFor(() => relayStats(a).compactions > compactionsBefore, { what: 'a compaction on A' });
		onA.destroy();
		clients.splice(0);
		await unloaded();
		expect(paragraphs(await databaseDoc(a.db, docId))).toContain('never reached A');
	});

	it('a row committed late with a lower id than a compaction’s is neither deleted nor hidden from the next load', async () => {
		const owner = await newUser(a.url);
		const { docId } = await sharedDocument(a.url, owner);
		const onA = await synced(a, docId, owner);
		appendParagraph(onA.doc, 'first');
		await onA.waitStored();
		// Another writer's row takes its id now and commits only after A has written and folded rows with higher ids
		// (as a row of another process can: ids are handed out before commit).
		const late = new Y.Doc();
		appendParagraph(late, 'committed late');
		const sqlClient = postgres(cluster.store.config.databaseUrl!, { max: 1, onnotice: () => {} });
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let inserted!: () => void;
		const insertedOnce = new Promise<void>((r) => (inserted = r));
		const lateWrite = sqlClient.begin(async (tx) => {
			await tx`insert into doc_updates (document_id, author_id, data) values (${docId}, ${owner.user.id}, ${Buffer.from(Y.encodeStateAsUpdate(late))})`;
			inserted();
			await held;
		});
		try {
			await insertedOnce;
			const compactionsBefore = relayStats(a).compactions;
			for (let i = 0; i < 8; i++) appendParagraph(onA.doc, `after ${i}`);
			await onA.waitStored();
			await waitFor(() => relayStats(a).compactions > compactionsBefore, { what: 'a compaction on A' });
		} finally {
			release();
			await lateWrite;
			await sqlClient.end();
		}
		onA.destroy();
		clients.splice(0);
		await unloaded();
		// A fresh load (on B, which never had the document open) reads what is stored.
		const fresh = await synced(b, docId, owner);
		expect(paragraphs(fresh.doc)).toContain('committed late');
		expect(paragraphs(fresh.doc).filter((p) => p !== 'committed late')).toEqual(['first', ...Array.from({ length: 8 }, (_, i) => `after ${i}`)]);
	});
});
