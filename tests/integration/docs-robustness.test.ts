import * as encoding from 'lib0/encoding';
import { applyAwarenessUpdate, Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../server/config';
import { CloseCode } from '../../src/lib/protocol/codes';
import { SyncStep, YjsMessage } from '../../src/lib/protocol/docs';
import { newUser, type TestUser } from '../helpers/api';
import { availableDrivers, startTestServer, type TestServer } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { databaseDoc } from '../helpers/yjs-store';
import {
	appendParagraph,
	converged,
	paragraphs,
	prng,
	RawClient,
	relayStats,
	sharedDocument,
	syncStep1Frame,
	syncStep2Frame,
	updateFrame,
	waitConverged,
	YClient
} from '../helpers/yjs';

const drivers = await availableDrivers();
const SEED = Number(process.env.DOCS_SEED ?? 0xbadf00d);
const MAX_FRAME = 64 * 1024;
const MAX_DOCUMENT = 16 * 1024;
const MALFORMED = CloseCode.InvalidMessage;
const FRAME_TOO_BIG = 1009;

interface Bad {
	kind: string;
	bytes: Uint8Array;
	expect: number;
	/** Send only after the server's sync step 2, i.e. into a loaded document. */
	afterSync: boolean;
}

const bytesOf = (write: (e: encoding.Encoder) => void) => {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e);
};
const rejectsUpdate = (u: Uint8Array) => {
	try {
		Y.decodeUpdate(u);
		return false;
	} catch {
		return true;
	}
};
const rejectsAwareness = (u: Uint8Array) => {
	const a = new Awareness(new Y.Doc());
	try {
		applyAwarenessUpdate(a, u, null);
		return false;
	} catch {
		return true;
	} finally {
		a.destroy();
	}
};

/**
 * The hostile corpus, a pure function of the seed. Every frame here is one that a strict decoder refuses
 * (candidates that happen to decode are skipped), so each must close its connection.
 */
function corpus(seed: number, count: number): Bad[] {
	const r = prng(seed);
	const out: Bad[] = [];
	const validUpdate = () => {
		const d = new Y.Doc();
		d.clientID = r.int(2 ** 31); // seeded too, so the corpus repeats byte for byte
		appendParagraph(d, r.word(5 + r.int(300)));
		const u = Y.encodeStateAsUpdate(d);
		d.destroy();
		return u;
	};
	while (out.length < count) {
		const afterSync = r.next() < 0.5;
		const add = (kind: string, bytes: Uint8Array, expectCode: number = MALFORMED) => out.push({ kind, bytes, expect: expectCode, afterSync });
		switch (r.int(10)) {
			case 0: {
				// random bytes whose first varint is no message type (4..127, never 100)
				const b = r.bytes(1 + r.int(200));
				b[0] = 4 + r.int(124);
				if (b[0] !== YjsMessage.Stored) add('random bytes', b);
				break;
			}
			case 1: {
				const f = r.next() < 0.5 ? updateFrame(validUpdate()) : syncStep2Frame(validUpdate());
				add('valid frame cut short', f.slice(0, 1 + r.int(f.length - 1)));
				break;
			}
			case 2: {
				const u = validUpdate();
				const cut = u.slice(0, r.int(u.length));
				if (rejectsUpdate(cut)) add('update cut short inside a valid frame', updateFrame(cut));
				break;
			}
			case 3: {
				const huge = Uint8Array.from({ length: 9 + r.int(6) }, () => 0x80 | r.int(128));
				const where = r.int(3);
				// as the message type, as the sync step, or as the update's length
				const b = bytesOf((e) => {
					if (where > 0) encoding.writeVarUint(e, YjsMessage.Sync);
					if (where > 1) encoding.writeVarUint(e, SyncStep.Update);
					encoding.writeUint8Array(e, huge);
					encoding.writeUint8Array(e, r.bytes(r.int(20)));
				});
				add(`huge varint (${['type', 'step', 'length'][where]})`, b);
				break;
			}
			case 4: {
				const b = bytesOf((e) => (encoding.writeVarUint(e, YjsMessage.Sync), encoding.writeVarUint(e, 3 + r.int(120)), encoding.writeUint8Array(e, r.bytes(r.int(50)))));
				add('unknown sync step', b);
				break;
			}
			case 5:
			case 6: {
				const garbage = r.bytes(1 + r.int(300));
				if (rejectsUpdate(garbage)) add('sync step 2 / update of garbage', r.next() < 0.5 ? syncStep2Frame(garbage) : updateFrame(garbage));
				break;
			}
			case 7: {
				const garbage = r.bytes(1 + r.int(100));
				if (rejectsAwareness(garbage)) add('awareness of garbage', bytesOf((e) => (encoding.writeVarUint(e, YjsMessage.Awareness), encoding.writeVarUint8Array(e, garbage))));
				break;
			}
			case 8:
				add('empty frame', new Uint8Array(0));
				break;
			case 9:
				if (r.next() < 0.3) add('frame over the maximum size', updateFrame(r.bytes(MAX_FRAME + r.int(4096))), FRAME_TOO_BIG);
				break;
		}
	}
	return out;
}

describe.each(drivers)('relay robustness (%s)', (driver) => {
	let server: TestServer;
	let url: string;
	let owner: TestUser;
	let member: TestUser;
	const logs: string[] = [];
	const clients: YClient[] = [];
	const client = async (docId: string, who: TestUser) => {
		const c = new YClient({ url, docId, token: who.token });
		clients.push(c);
		await c.waitSynced();
		return c;
	};

	beforeAll(async () => {
		const capture = { logLevel: 'warn', logDestination: { write: (line: string) => void logs.push(line) } } satisfies Partial<Config>;
		server = await startTestServer({ db: driver, config: { ...capture, docsMaxFrameBytes: MAX_FRAME, docsMaxDocumentBytes: MAX_DOCUMENT } });
		url = server.url;
		[owner, member] = [await newUser(url), await newUser(url)];
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(() => server?.close());

	/** One hostile connection: open, maybe sync, send the frame, report how the server closed it (-1: it did not). */
	async function attack(docId: string, bad: Bad): Promise<number> {
		const raw = new RawClient(url, `/yjs/${docId}?token=${member.token}&acks=1`);
		await raw.opened;
		if (bad.afterSync) {
			raw.send(syncStep1Frame(new Y.Doc()));
			await raw.message((d) => d.type === YjsMessage.Sync && d.step === SyncStep.Step2);
		}
		raw.send(bad.bytes);
		let timer: NodeJS.Timeout | undefined;
		const code = await Promise.race([raw.closed.then((c) => c.code), new Promise<number>((res) => (timer = setTimeout(() => res(-1), 5_000)))]);
		clearTimeout(timer);
		raw.close();
		return code;
	}

	it(`1,000+ malformed, truncated and oversized frames (seed ${SEED}) each close only their own connection; stored documents stay untouched and honest clients keep syncing`, async () => {
		const bad = corpus(SEED, 1_100);
		expect(corpus(SEED, 50)).toEqual(bad.slice(0, 50));
		expect(bad.filter((b) => b.expect === FRAME_TOO_BIG).length).toBeGreaterThan(10);

		const busy = (await sharedDocument(url, owner, { members: [member] })).docId;
		const quiet = (await sharedDocument(url, owner, { members: [member] })).docId;
		const [a, b] = [await client(busy, owner), await client(busy, member)];
		const keeper = await client(quiet, owner);
		appendParagraph(keeper.doc, 'quiet and stored');
		await keeper.waitStored();
		keeper.destroy();
		const quietBefore = await databaseDoc(server.db, quiet);

		const outcomes = new Map<string, number>();
		for (let i = 0; i < bad.length; i += 10) {
			const group = bad.slice(i, i + 10);
			const codes = await Promise.all(group.map((x, j) => attack(j % 2 ? busy : quiet, x)));
			group.forEach((x, j) => {
				const key = `${x.kind}: expected ${x.expect}, got ${codes[j]}`;
				outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
			});
			// Honest traffic interleaved with the attack, both ways.
			const [from, to] = i % 20 ? [a, b] : [b, a];
			appendParagraph(from.doc, `honest ${i}`);
			await waitFor(() => paragraphs(to.doc).includes(`honest ${i}`), { what: `honest edit ${i} relayed` });
		}
		const wrong = [...outcomes].filter(([k]) => !/expected (\d+), got \1$/.test(k));
		expect(wrong, 'close codes that differ from the expected').toEqual([]);

		expect((await fetch(`${url}/healthz`)).status).toBe(200);
		await waitConverged([a, b]);
		await Promise.all([a.waitStored(), b.waitStored()]);
		// Stored: exactly the honest edits, and nothing from the attackers (no stray client ids, no pending structs).
		const busyStored = await databaseDoc(server.db, busy);
		expect(converged([busyStored, a.doc])).toBe(true);
		expect(busyStored.store.pendingStructs).toBeNull();
		expect(paragraphs(busyStored)).toHaveLength(Math.ceil(bad.length / 10));
		const quietAfter = await databaseDoc(server.db, quiet);
		expect(Y.encodeStateVector(quietAfter)).toEqual(Y.encodeStateVector(quietBefore));
		expect(Y.equalSnapshots(Y.snapshot(quietAfter), Y.snapshot(quietBefore))).toBe(true);
		expect(paragraphs(quietAfter)).toEqual(['quiet and stored']);
		// Malformed messages are logged with the document's id.
		for (const docId of [busy, quiet]) expect(logs.some((l) => l.includes(docId)), `a log line naming ${docId}`).toBe(true);
	});

	it('a well-formed update crafted to make Yjs park it (one client listed twice, or deleting what was never there) closes its sender; nothing is parked or stored', async () => {
		const { docId } = await sharedDocument(url, owner, { members: [member] });
		const honest = await client(docId, owner);
		appendParagraph(honest.doc, 'before the attempt');
		await honest.waitStored();
		const before = await databaseDoc(server.db, docId);

		const author = new Y.Doc();
		author.getText('t').insert(0, 'hello');
		const first = Y.encodeStateAsUpdate(author);
		const sv = Y.encodeStateVector(author);
		author.getText('t').insert(5, ' world');
		const second = Y.encodeStateAsUpdate(author, sv);
		const twice = new Uint8Array([2, ...first.subarray(1, -1), ...second.subarray(1, -1), 0]);
		expect(await attack(docId, { kind: 'client twice', bytes: updateFrame(twice), expect: MALFORMED, afterSync: true })).toBe(MALFORMED);

		// A deletion of content the server never had waits for that content; the sender is asked for it
		// (sync step 1), and the update is never applied meanwhile.
		const ghost = new Y.Doc();
		ghost.getText('t').insert(0, 'never sent');
		const ghostSv = Y.encodeStateVector(ghost);
		ghost.getText('t').delete(0, 5);
		const raw = new RawClient(url, `/yjs/${docId}?token=${member.token}&acks=1`);
		await raw.opened;
		raw.send(updateFrame(Y.encodeStateAsUpdate(ghost, ghostSv)));
		await raw.message((d) => d.type === YjsMessage.Sync && d.step === SyncStep.Step1);
		raw.close();

		appendParagraph(honest.doc, 'after the attempt');
		await honest.waitStored();
		const after = await databaseDoc(server.db, docId);
		expect(after.store.pendingStructs).toBeNull();
		expect(after.store.pendingDs).toBeNull();
		expect(paragraphs(after)).toEqual([...paragraphs(before), 'after the attempt']);
		expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(honest.doc));
	});

	/** Writes 100-character paragraphs into a new document until the relay refuses one; returns what it kept. */
	async function fillToLimit() {
		const { docId } = await sharedDocument(url, owner, { members: [member] });
		const writer = await client(docId, owner);
		const reader = await client(docId, member);
		let n = 0;
		writer.mark = () => n;
		const closed = writer.nextClose(30_000);
		let open = true;
		void closed.then(() => (open = false));
		while (open && n < 1_000) {
			appendParagraph(writer.doc, `${String(++n).padStart(4, '0')} ${'x'.repeat(95)}`);
			await Promise.race([waitFor(() => writer.conn!.stored >= writer.conn!.sent || !open, { what: 'ack or close' }), closed]);
		}
		const kept = paragraphs(await databaseDoc(server.db, docId));
		await waitFor(() => paragraphs(reader.doc).length >= kept.length, { what: 'reader holding what was kept' });
		return { docId, writer, reader, n, close: await closed, kept };
	}

	it(`a document over the maximum size closes the writer with ${CloseCode.TooLarge}, and nothing more is stored`, async () => {
		const { docId, writer, reader, n, close, kept } = await fillToLimit();
		expect(close.code).toBe(CloseCode.TooLarge);
		expect(writer.provider.shouldConnect).toBe(false);
		expect(kept.length).toBeGreaterThanOrEqual(writer.ackedMark);
		expect(kept.length).toBeLessThan(n);
		expect(Y.encodeStateAsUpdate(await databaseDoc(server.db, docId)).length).toBeLessThanOrEqual(MAX_DOCUMENT);
		// The refused paragraph reached no one either.
		expect(paragraphs(reader.doc)).toEqual(kept);
		expect(reader.overAcks + writer.overAcks).toBe(0);
	});

	it('a full document still opens for its members: an update that adds nothing is not refused; one that adds is', async () => {
		const { docId, reader, kept } = await fillToLimit();
		// Re-sending content the server already has adds nothing (a reconnecting client's sync step 2 is such an update).
		const resend = new RawClient(url, `/yjs/${docId}?token=${member.token}&acks=1`);
		await resend.opened;
		resend.send(syncStep1Frame(new Y.Doc()));
		resend.send(updateFrame(Y.encodeStateAsUpdate(reader.doc)));
		const handled = await Promise.race([resend.message((d) => d.type === YjsMessage.Stored && d.stored === 1), resend.closed]);
		resend.close();
		expect(handled, 'a no-op update to a full document').toEqual({ type: YjsMessage.Stored, stored: 1 });
		const second = await client(docId, member);
		expect(paragraphs(second.doc)).toEqual(kept);
		const secondClosed = second.nextClose();
		appendParagraph(second.doc, 'one more');
		expect((await secondClosed).code).toBe(CloseCode.TooLarge);
		expect(paragraphs(await databaseDoc(server.db, docId))).toEqual(kept);
	});

	describe('open documents per account', () => {
		let limited: TestServer;
		beforeAll(async () => {
			limited = await startTestServer({ db: driver, config: { docsMaxOpenPerUser: 2 } });
		});
		afterAll(() => limited?.close());

		it(`one connection more than allowed is closed with ${CloseCode.RateLimited}; the others keep working, and a freed place can be used again`, async () => {
			const u = await newUser(limited.url);
			const docs = await Promise.all([1, 2, 3, 4].map(async () => (await sharedDocument(limited.url, u)).docId));
			const open = (docId: string) => {
				const c = new YClient({ url: limited.url, docId, token: u.token });
				clients.push(c);
				return c;
			};
			const [a, b] = [open(docs[0]!), open(docs[1]!)];
			await Promise.all([a.waitSynced(), b.waitSynced()]);
			const extra = open(docs[2]!);
			expect((await extra.nextClose()).code).toBe(CloseCode.RateLimited);
			expect(extra.synced).toBe(false);
			appendParagraph(a.doc, 'still fine');
			await a.waitStored();
			b.destroy();
			await waitFor(() => relayStats(limited).connections === 1, { what: 'the server seeing the closed connection' });
			const again = open(docs[3]!);
			await again.waitSynced();
			expect(again.closes).toEqual([]);
		});
	});
});
