import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { newUser, type TestUser } from '../helpers/api';
import { availableDrivers } from '../helpers/server';
import { waitFor } from '../helpers/wait';
import { createStore, databaseDoc, openStore, spawnServer, startOnStore, type ChildServer, type Store } from '../helpers/yjs-store';
import { claimParagraphs, paragraphs, prng, sharedDocument, waitConverged, YClient, type Typist } from '../helpers/yjs';

const drivers = await availableDrivers();
const SEED = Number(process.env.DOCS_SEED ?? 0x5eed);

interface Trace {
	endContent: string;
	txns: { patches: [number, number, string][] }[];
}
/** Read in place from the shared bench data, never copied into the project. */
const trace = JSON.parse(gunzipSync(readFileSync(resolve(projectRoot, '../shared/bench-data/automerge-paper.json.gz'))).toString()) as Trace;
const EDITS_PER_TRANSACTION = 1_000;

describe.each(drivers)('durability (%s)', (driver) => {
	const cleanup: (() => Promise<unknown> | unknown)[] = [];
	afterEach(async () => {
		for (const f of cleanup.splice(0).reverse()) await f();
	});

	it(`the automerge-paper trace (${trace.txns.length} edits) replayed through a client survives a restart: the text equals endContent exactly`, async () => {
		const store = await createStore(driver);
		cleanup.push(() => store.drop());
		let server = await startOnStore(store);
		cleanup.push(() => server.close());
		const owner = await newUser(server.url);
		const { docId } = await sharedDocument(server.url, owner);

		const writer = new YClient({ url: server.url, docId, token: owner.token });
		cleanup.push(() => writer.destroy());
		await writer.waitSynced();
		const text = writer.doc.getText('paper');
		for (let start = 0; start < trace.txns.length; start += EDITS_PER_TRANSACTION) {
			writer.doc.transact(() => {
				for (const { patches } of trace.txns.slice(start, start + EDITS_PER_TRANSACTION)) {
					for (const [pos, del, ins] of patches) {
						if (del > 0) text.delete(pos, del);
						if (ins) text.insert(pos, ins);
					}
				}
			});
			// Keep at most a few batches in flight, as an editor waiting on "Saving…" would.
			if ((start / EDITS_PER_TRANSACTION) % 20 === 19) await writer.waitStored(60_000);
		}
		expect(text.toString()).toBe(trace.endContent);
		await writer.waitStored(120_000);
		expect(writer.overAcks).toBe(0);
		writer.destroy();

		await server.close();
		server = await startOnStore(store);
		const reader = new YClient({ url: server.url, docId, token: owner.token });
		cleanup.push(() => reader.destroy());
		await reader.waitSynced(60_000);
		expect(reader.doc.getText('paper').toString() === trace.endContent).toBe(true);
		expect(reader.doc.getText('paper').length).toBe(trace.endContent.length);
	});

	describe(`SIGKILL while clients type (seed ${SEED})`, () => {
		// Two steps over one run: what the killed server kept, then how its clients come back.
		const done: (() => Promise<unknown> | unknown)[] = [];
		afterAll(async () => {
			for (const f of done.splice(0).reverse()) await f();
		});
		let store: Store;
		let child: ChildServer;
		let docId: string;
		let member: TestUser;
		let typing = true;
		let loops: Promise<void>[] = [];
		const typists: Typist[] = [];

		it('loses no acknowledged edit', async () => {
			const r = prng(SEED);
			store = await createStore(driver);
			done.push(() => store.drop());
			child = await spawnServer(store);
			done.push(() => child.child.kill('SIGKILL'));
			const owner = await newUser(child.url);
			member = await newUser(child.url);
			docId = (await sharedDocument(child.url, owner, { members: [member] })).docId;

			// Each typist owns one paragraph, "t<i>:" followed by the characters it types, one transaction each.
			for (const [i, who] of [owner, member, owner].entries()) {
				const c = new YClient({ url: child.url, docId, token: who.token });
				done.push(() => c.destroy());
				typists.push({ c, prefix: `t${i}:`, typed: '', text: null });
			}
			await claimParagraphs(typists);
			loops = typists.map(async (t, i) => {
				const keys = prng(SEED + i);
				while (typing) {
					const ch = keys.word(1);
					t.typed += ch; // before the insert, which sends the frame whose mark is typed.length
					t.text!.insert(t.text!.length, ch);
					// The typing rate of a fast typist; pacing, not waiting for anything.
					await new Promise((res) => setTimeout(res, 3));
				}
			});
			done.push(async () => ((typing = false), await Promise.all(loops)));

			const killAfter = 150 + r.int(600);
			await waitFor(() => typists.reduce((n, t) => n + t.typed.length, 0) >= killAfter, { timeoutMs: 30_000, what: `${killAfter} characters typed` });
			child.child.kill('SIGKILL');
			expect((await child.exited).signal).toBe('SIGKILL');
			await waitFor(() => typists.every((t) => !t.c.provider.wsconnected), { what: 'typists noticing the crash' });
			const acked = typists.map((t) => t.c.ackedMark);
			expect(acked.some((n) => n > 0)).toBe(true);

			// What the dead server left in the database: every acknowledged character, in order.
			const database = await openStore(store);
			const stored = paragraphs(await databaseDoc(database.db, docId).finally(() => database.close()));
			typists.forEach((t, i) => {
				const line = stored.find((p) => p.startsWith(t.prefix));
				expect(line, t.prefix).toBeDefined();
				const kept = line!.slice(t.prefix.length);
				expect(kept.length, `${t.prefix} kept ${kept.length} of ${acked[i]} acknowledged`).toBeGreaterThanOrEqual(acked[i]!);
				expect(t.typed.startsWith(kept)).toBe(true);
			});
		});

		it('and the typing clients converge by themselves after a restart', async () => {
			expect(typists.length, 'the first step ran').toBe(3);
			// Same port, same data: the stock providers find it again by themselves, typing all along.
			child = await spawnServer(store, { PORT: new URL(typists[0]!.c.provider.url).port });
			await waitFor(() => typists.every((t) => t.c.synced), { timeoutMs: 20_000, what: 'typists reconnected' });
			const typedAtReconnect = typists.map((t) => t.typed.length);
			await waitFor(() => typists.every((t, i) => t.typed.length > typedAtReconnect[i]! + 20), { what: 'typing after the restart' });
			typing = false;
			await Promise.all(loops);
			await waitConverged(typists.map((t) => t.c), 30_000).catch((e: Error) => {
				const state = typists.map((t) => ({ sent: t.c.conn?.sent, stored: t.c.conn?.stored, closes: t.c.closes.filter((c) => c.code !== 1006) }));
				throw new Error(`${e.message}; frames sent/acknowledged on each typist's connection: ${JSON.stringify(state)}`);
			});
			await Promise.all(typists.map((t) => t.c.waitStored(30_000)));
			const fresh = new YClient({ url: child.url, docId, token: member.token });
			done.push(() => fresh.destroy());
			await fresh.waitSynced();
			expect(paragraphs(fresh.doc).sort()).toEqual(typists.map((t) => t.prefix + t.typed).sort());
		});
	});
});

