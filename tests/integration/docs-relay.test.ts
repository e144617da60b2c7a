import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/protocol/codes';
import { TEXT_FRAGMENT } from '../../src/lib/protocol/docs';
import { api, newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { nextEvent, waitFor } from '../helpers/wait';
import {
	appendParagraph,
	converged,
	paragraphs,
	prng,
	rawUpgrade,
	relayStats,
	sharedDocument,
	storedState,
	syncedClient,
	waitConverged,
	YClient
} from '../helpers/yjs';

const drivers = await availableDrivers();
const SEED = Number(process.env.DOCS_SEED ?? 0x7e55e4a);

type Op =
	| { at: number; kind: 'paragraph'; text: string }
	| { at: number; kind: 'insert'; para: number; pos: number; text: string }
	| { at: number; kind: 'delete'; para: number; pos: number; len: number }
	| { at: number; kind: 'drop' | 'offline' | 'online' | 'settle' };

/** The operations of the churn test: a pure function of the seed. Positions are fractions of whatever the client's text is then. */
function script(seed: number, clients: number, steps: number): Op[] {
	const r = prng(seed);
	const ops: Op[] = [];
	for (let i = 0; i < steps; i++) {
		const at = r.int(clients);
		const roll = r.next();
		if (roll < 0.05) ops.push({ at, kind: 'drop' });
		else if (roll < 0.08) ops.push({ at, kind: 'offline' });
		else if (roll < 0.14) ops.push({ at, kind: 'online' });
		else if (roll < 0.17) ops.push({ at, kind: 'settle' });
		else if (roll < 0.25) ops.push({ at, kind: 'paragraph', text: r.word(1 + r.int(12)) });
		else if (roll < 0.8) ops.push({ at, kind: 'insert', para: r.next(), pos: r.next(), text: r.word(1 + r.int(6)) });
		else ops.push({ at, kind: 'delete', para: r.next(), pos: r.next(), len: 1 + r.int(5) });
	}
	return ops;
}

function applyEdit(doc: Y.Doc, op: Op): void {
	const fragment = doc.getXmlFragment(TEXT_FRAGMENT);
	if (op.kind === 'paragraph' || fragment.length === 0) return appendParagraph(doc, 'text' in op ? op.text : 'start');
	if (op.kind !== 'insert' && op.kind !== 'delete') return;
	const p = fragment.get(Math.floor(op.para * fragment.length));
	const text = p instanceof Y.XmlElement ? p.get(0) : undefined;
	if (!(text instanceof Y.XmlText)) return;
	const pos = Math.floor(op.pos * (text.length + 1));
	if (op.kind === 'insert') text.insert(pos, op.text);
	else if (text.length > 0) text.delete(Math.min(pos, text.length - 1), Math.min(op.len, text.length - Math.min(pos, text.length - 1)));
}

describe.each(drivers)('Yjs relay (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let admin: TestUser;
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

	beforeAll(async () => {
		server = await startTestServer({ db: driver });
		url = server.url;
		admin = await newUser(url); // the first account is the admin
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	it('two stock y-websocket clients edit one text document and converge', async () => {
		const [owner, member] = [await newUser(url), await newUser(url)];
		const { docId } = await sharedDocument(url, owner, { members: [member] });
		const a = await synced(docId, owner);
		const b = await synced(docId, member);
		appendParagraph(a.doc, 'from a');
		appendParagraph(b.doc, 'from b');
		await waitConverged([a, b]);
		expect(paragraphs(a.doc).sort()).toEqual(['from a', 'from b']);
		// Concurrent edits inside one paragraph merge too.
		const [ta, tb] = [a, b].map((c) => (c.doc.getXmlFragment(TEXT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText);
		ta!.insert(0, 'A:');
		tb!.insert(ta!.length, '!');
		await waitConverged([a, b]);
		expect(paragraphs(b.doc)).toEqual(paragraphs(a.doc));
		expect(a.overAcks + b.overAcks).toBe(0);
	});

	it('a client that edits offline and types on as it reconnects converges, and all of it is stored', async () => {
		const [owner, member] = [await newUser(url), await newUser(url)];
		const { docId } = await sharedDocument(url, owner, { members: [member] });
		const a = await synced(docId, owner);
		const b = await synced(docId, member);
		appendParagraph(a.doc, 'online');
		await waitConverged([a, b]);
		a.provider.disconnect();
		appendParagraph(a.doc, 'offline one');
		appendParagraph(a.doc, 'offline two');
		// A keystroke the moment the socket opens, before the server's sync step 1 arrives: it builds on the
		// offline edits, which reach the server only in the client's sync step 2 a round trip later.
		const typeOnOpen = ({ status }: { status: string }) => {
			if (status !== 'connected') return;
			a.provider.off('status', typeOnOpen);
			appendParagraph(a.doc, 'typed while reconnecting');
		};
		a.provider.on('status', typeOnOpen);
		a.provider.connect();
		await waitConverged([a, b]).catch((e: Error) => {
			throw new Error(`${e.message}; reconnecting client closes ${JSON.stringify(a.closes)}, frames sent ${a.conn?.sent}, acknowledged ${a.conn?.stored}`);
		});
		expect(paragraphs(b.doc)).toEqual(['online', 'offline one', 'offline two', 'typed while reconnecting']);
		await a.waitStored();
		const fresh = await synced(docId, member);
		expect(paragraphs(fresh.doc)).toEqual(paragraphs(a.doc));
	});

	it('awareness (who is here, carets) reaches the others under the person’s real name, late joiners included, and is removed when its connection drops', async () => {
		const [owner, member] = [await newUser(url), await newUser(url)];
		const { docId } = await sharedDocument(url, owner, { members: [member] });
		const a = await synced(docId, owner);
		const b = await synced(docId, member);
		const nameSeenBy = (c: YClient) => (c.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name?: string } } | undefined)?.user?.name;
		// The client claims another name; the server writes the person's own display name over it.
		const realName = owner.user.profile.displayName;
		a.provider.awareness.setLocalStateField('user', { name: 'Moderator', color: '#0a5' });
		await waitFor(() => nameSeenBy(b) === realName, { what: 'awareness relayed' });
		expect(b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: realName, id: owner.user.id, color: '#0a5' } });
		const late = await synced(docId, member);
		await waitFor(() => nameSeenBy(late) === realName, { what: 'awareness given to a late joiner' });
		// No goodbye from the client: the server notices the dropped socket and tells the others.
		a.provider.shouldConnect = false;
		a.dropConnection();
		await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID) && !late.provider.awareness.getStates().has(a.doc.clientID), { what: 'awareness removed' });
	});

	it('an observer reads but its edit reaches no one and is not stored; it is told permission denied', async () => {
		const [owner, member, observer] = [await newUser(url), await newUser(url), await newUser(url)];
		const { docId } = await sharedDocument(url, owner, { members: [member], observers: [observer] });
		const writer = await synced(docId, owner);
		const reader = await synced(docId, member);
		const watcher = await synced(docId, observer);
		const dropped = relayStats(server).droppedObserverUpdates;

		const denied = nextEvent<string>(watcher.events, 'denied');
		appendParagraph(watcher.doc, 'observer was here');
		expect(await denied).toMatch(/\S/);
		// The Stored ack also covers dropped frames, so this is the moment the relay has dealt with it.
		await watcher.waitStored();
		expect(relayStats(server).droppedObserverUpdates).toBeGreaterThan(dropped);

		appendParagraph(writer.doc, 'member text');
		await waitFor(() => paragraphs(reader.doc).includes('member text') && paragraphs(watcher.doc).includes('member text'), { what: 'member edit everywhere' });
		expect(paragraphs(reader.doc)).toEqual(['member text']);
		expect(paragraphs(writer.doc)).toEqual(['member text']);
		// A second edit by the observer is dropped too, but the denial is said once.
		appendParagraph(watcher.doc, 'again');
		await watcher.waitStored();
		expect(watcher.denied).toHaveLength(1);

		await writer.waitStored();
		const fresh = await synced(docId, member);
		expect(paragraphs(fresh.doc)).toEqual(['member text']);
	});

	it('a non-member, a bad token or a missing document gets a plain HTTP refusal and not one WebSocket byte', async () => {
		const [owner, outsider] = [await newUser(url), await newUser(url)];
		const { docId } = await sharedDocument(url, owner);
		const cases: [string, number[]][] = [
			[`/yjs/${docId}`, [401]],
			[`/yjs/${docId}?token=not-a-token`, [401]],
			[`/yjs/${docId}?token=${outsider.token}&acks=1`, [403, 404]],
			[`/yjs/${randomUUID()}?token=${owner.token}`, [404]],
			[`/yjs/not-a-uuid?token=${owner.token}`, [404]]
		];
		for (const [path, statuses] of cases) {
			const { status, response } = await rawUpgrade(url, path);
			expect(statuses, `${path} -> ${status}`).toContain(status);
			// Everything after the headers is the plain-text body; no frame (0x82 binary opcode) follows.
			const [, body = ''] = response.split('\r\n\r\n');
			expect(/^[\x20-\x7e]*$/.test(body), path).toBe(true);
		}
		// The stock client, pointed at the same document, never syncs and holds no content.
		const outside = open(docId, outsider);
		await waitFor(() => outside.provider.wsUnsuccessfulReconnects >= 2, { what: 'refused reconnects' });
		expect(outside.synced).toBe(false);
		expect(outside.connections).toBeGreaterThan(0);
		expect(outside.doc.getXmlFragment(TEXT_FRAGMENT).length).toBe(0);
	});

	describe('revoked access closes open connections with 4440 within 2 s', () => {
		async function twoConnections() {
			const [owner, member] = [await newUser(url), await newUser(url)];
			const { spaceId, docId } = await sharedDocument(url, owner, { members: [member] });
			const docId2 = (await sharedDocument(url, owner, { members: [member] })).docId;
			const ownerClient = await synced(docId, owner);
			const memberClients = [await synced(docId, member), await synced(docId, member)];
			const other = await synced(docId2, member); // a document in another space stays open
			return { owner, member, spaceId, docId, ownerClient, memberClients, other };
		}

		async function expectClosedWithin2s(clientsToClose: YClient[], action: () => Promise<unknown>) {
			const closes = clientsToClose.map((c) => c.nextClose(2_000));
			const started = Date.now();
			await action();
			for (const close of await Promise.all(closes)) expect(close.code).toBe(CloseCode.SessionEnded);
			expect(Date.now() - started).toBeLessThan(2_000);
			// 44xx tells the stock provider not to come back.
			await waitFor(() => clientsToClose.every((c) => !c.provider.shouldConnect), { what: 'providers giving up' });
		}

		it('an owner removing a member', async () => {
			const s = await twoConnections();
			await expectClosedWithin2s(s.memberClients, async () => {
				const res = await api(url, `/api/v1/spaces/${s.spaceId}/members/${s.member.id}`, { method: 'DELETE', token: s.owner.token });
				expect(res.status).toBe(204);
			});
			expect((await rawUpgrade(url, `/yjs/${s.docId}?token=${s.member.token}`)).status).not.toBe(101);
			// The owner keeps editing; the member's other document is untouched.
			appendParagraph(s.ownerClient.doc, 'still here');
			await s.ownerClient.waitStored();
			expect(s.other.provider.wsconnected).toBe(true);
			expect(s.other.closes).toEqual([]);
		});

		it('a member leaving the space', async () => {
			const s = await twoConnections();
			await expectClosedWithin2s(s.memberClients, async () => {
				expect((await api(url, `/api/v1/spaces/${s.spaceId}/membership`, { method: 'DELETE', token: s.member.token })).status).toBe(204);
			});
			expect(s.ownerClient.provider.wsconnected).toBe(true);
		});

		it('an admin suspending the account closes every document connection it has', async () => {
			const s = await twoConnections();
			await expectClosedWithin2s([...s.memberClients, s.other], async () => {
				const res = await api(url, `/api/v1/users/${s.member.id}`, { method: 'PATCH', token: admin.token, body: { suspended: true } });
				expect(res.status).toBe(200);
			});
			expect((await rawUpgrade(url, `/yjs/${s.docId}?token=${s.member.token}`)).status).toBe(401);
			expect(s.ownerClient.closes).toEqual([]);
		});
	});

	it(`20 clients with random disconnects and reconnects converge (seed ${SEED}, repeatable)`, async () => {
		expect(script(SEED, 20, 600)).toEqual(script(SEED, 20, 600));
		const owner = await newUser(url);
		const members = await Promise.all(Array.from({ length: 4 }, () => newUser(url)));
		const { docId } = await sharedDocument(url, owner, { members });
		const people = [owner, ...members];
		const crowd = Array.from({ length: 20 }, (_, i) => open(docId, people[i % people.length]!));
		await Promise.all(crowd.map((c) => c.waitSynced(10_000)));

		for (const op of script(SEED, 20, 600)) {
			const c = crowd[op.at]!;
			if (op.kind === 'drop') c.dropConnection();
			else if (op.kind === 'offline') c.provider.disconnect();
			else if (op.kind === 'online') c.provider.connect();
			else if (op.kind === 'settle') c.provider.shouldConnect && (await c.waitSynced(10_000));
			else applyEdit(c.doc, op);
			await new Promise((r) => setImmediate(r)); // let frames move between operations
		}
		for (const c of crowd) c.provider.connect();
		await waitConverged(crowd, 30_000);
		expect(crowd.some((c) => c.connections > 1)).toBe(true);
		expect(crowd.reduce((n, c) => n + c.overAcks, 0)).toBe(0);

		// What a newcomer loads from the server is the same document.
		await Promise.all(crowd.map((c) => c.waitStored(15_000)));
		const late = await synced(docId, owner);
		await waitFor(() => converged([crowd[0]!.doc, late.doc]), { what: 'newcomer equal to the crowd' });
		expect(paragraphs(late.doc).join('').length).toBeGreaterThan(0);
	});
});

describe.each(drivers)('Yjs relay, group commit (%s)', (driver) => {
	const LINGER_MS = 300;
	let server: TestServer;
	const clients: YClient[] = [];
	beforeAll(async () => {
		server = await startTestServer({ db: driver, config: { docsWriteLingerMs: LINGER_MS } });
		await newUser(server.url); // the first account is the admin
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	it('updates to different documents within the linger share one write, and each is acknowledged only once it is stored', async () => {
		const owner = await newUser(server.url);
		const docs = [await sharedDocument(server.url, owner), await sharedDocument(server.url, owner)];
		for (const { docId } of docs) clients.push(await syncedClient({ url: server.url, docId, token: owner.token, acks: true }));
		await Promise.all(clients.map((c) => c.waitStored()));
		const before = relayStats(server);

		appendParagraph(clients[0]!.doc, 'first document');
		// Queued and waiting (without the linger it would leave the queue in the same turn of the event loop).
		await waitFor(() => relayStats(server).pendingWrites === 1, { what: 'the update queued for the writer' });
		await new Promise((r) => setTimeout(r, LINGER_MS / 6));
		// Sent, not yet stored: the write waits for the linger, and so does the acknowledgement.
		expect(relayStats(server).pendingWrites).toBe(1);
		expect(clients[0]!.allStored).toBe(false);
		appendParagraph(clients[1]!.doc, 'second document');
		await Promise.all(clients.map((c) => c.waitStored()));

		const after = relayStats(server);
		expect(after.rows - before.rows).toBe(2);
		expect(after.batches - before.batches).toBe(1);
		for (const [i, { docId }] of docs.entries()) {
			const stored = await storedState(server.url, docId, owner.token);
			expect(paragraphs(stored)).toEqual([i === 0 ? 'first document' : 'second document']);
		}
	});
});
