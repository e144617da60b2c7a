import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { chatMessages } from '../../server/db/schema';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/protocol/events';
import { newUser } from '../helpers/api';
import { startBalancer, type Balancer } from '../helpers/balancer';
import { redisAvailable, startCluster, type Cluster } from '../helpers/cluster';
import { waitFor } from '../helpers/wait';
import { databaseDoc } from '../helpers/yjs-store';
import { claimParagraphs, paragraphs, prng, sharedDocument, waitConverged, YClient, type Typist } from '../helpers/yjs';

const redis = await redisAvailable();
const SEED = Number(process.env.SCALE_SEED ?? 0x5ca1e);

/** Generous limits: this test is about failover, not about being refused. */
const limits = { chatSendBurst: 10_000, chatSendPerSecond: 1_000, moderationFloodPerMinute: 0, moderationRepeatLimit: 0 };
const limitsEnv = { CHAT_SEND_BURST: '10000', CHAT_SEND_PER_SECOND: '1000', MODERATION_FLOOD_PER_MINUTE: '0', MODERATION_REPEAT_LIMIT: '0' };

type Io = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A chat client that behaves like the browser's (src/lib/chat): it reconnects by itself, resends what was not
 * acknowledged under the same client id, and after an outage the server could not bridge it fetches everything
 * after the newest message it has, so its view holds each message once.
 */
class ChatClient {
	readonly socket: Io;
	/** Every message shown, by id. */
	readonly view = new Map<string, ChatMessage>();
	/** Sends not yet acknowledged, by client id. */
	readonly pending = new Map<string, string>();
	/** Acknowledged sends: client id → stored message id. */
	readonly acked = new Map<string, string>();
	connects = 0;
	freshConnects = 0;

	constructor(url: string, token: string, readonly spaceId: string) {
		this.socket = io(url, { transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 100, reconnectionDelayMax: 400, timeout: 3_000 });
		this.socket.on('chat:message', (m) => void this.view.set(m.id, m));
		this.socket.on('connect', () => {
			this.connects++;
			void this.#back().catch(() => {});
		});
	}

	/** Fresh connections on which joining the space (and catching up) worked; a failed join counts as nothing. */
	joinFailures = 0;

	async #back(): Promise<void> {
		if (!this.socket.recovered) {
			const joined = await this.socket.timeout(3_000).emitWithAck('space:join', { spaceId: this.spaceId });
			if (!joined.ok) {
				this.joinFailures++;
				throw new Error(`space:join refused: ${joined.error.code}`);
			}
			await this.catchUp();
			this.freshConnects++;
		}
		for (const [clientId, text] of this.pending) void this.#send(clientId, text);
	}

	/** Reads the whole history again, newest page first (simpler than the browser's cursor, and as strict a check). */
	async catchUp(): Promise<void> {
		let before: string | undefined;
		for (;;) {
			const page = await this.socket.timeout(3_000).emitWithAck('chat:history', { spaceId: this.spaceId, ...(before ? { before } : {}), limit: 100 });
			if (!page.ok) throw new Error(`chat:history refused: ${page.error.code}`);
			for (const m of page.messages) this.view.set(m.id, m as ChatMessage);
			if (!page.hasMore || page.messages.length === 0) return;
			before = page.messages[0]!.id;
		}
	}

	send(text: string): void {
		const clientId = randomUUID();
		this.pending.set(clientId, text);
		if (this.socket.connected) void this.#send(clientId, text);
	}

	async #send(clientId: string, text: string): Promise<void> {
		try {
			const ack = await this.socket.timeout(2_000).emitWithAck('chat:send', { spaceId: this.spaceId, clientId, text });
			if (!ack.ok) return;
			this.pending.delete(clientId);
			this.acked.set(clientId, ack.message.id);
			this.view.set(ack.message.id, ack.message);
		} catch {
			// No answer: kept in `pending`, sent again with the same client id when the connection is back.
		}
	}

	close(): void {
		this.socket.close();
	}
}

describe.runIf(redis)(`a process killed with SIGKILL while its clients type and chat (seed ${SEED})`, () => {
	const cleanup: (() => Promise<unknown> | unknown)[] = [];
	afterAll(async () => {
		for (const f of cleanup.splice(0).reverse()) await f();
	});

	it('its clients reconnect to the other process; every acknowledged message and edit is there afterwards, once', async () => {
		// B runs in this process; A is a child process, behind a balancer that prefers it, as nginx would.
		const cluster: Cluster = await startCluster({ nodes: 1, config: limits });
		cleanup.push(() => cluster.close());
		const b = cluster.nodes[0]!;
		const a = await cluster.spawn(limitsEnv);
		const balancer: Balancer = await startBalancer([a.url, b.url]);
		cleanup.push(() => balancer.close());

		const owner = await newUser(b.url);
		const member = await newUser(b.url);
		const { spaceId, docId } = await sharedDocument(b.url, owner, { members: [member] });

		// Chat: one client reaching A through the balancer, one on B.
		const viaA = new ChatClient(balancer.url, owner.token, spaceId);
		const onB = new ChatClient(b.url, member.token, spaceId);
		cleanup.push(() => viaA.close(), () => onB.close());
		await waitFor(() => viaA.freshConnects === 1 && onB.freshConnects === 1, { what: 'chat clients joined' });

		// Documents: one typist through the balancer (on A), one on B, each in a paragraph of its own.
		const typists: Typist[] = [
			{ c: new YClient({ url: balancer.url, docId, token: owner.token }), prefix: 'viaA:', typed: '', text: null },
			{ c: new YClient({ url: b.url, docId, token: member.token }), prefix: 'onB:', typed: '', text: null }
		];
		for (const t of typists) cleanup.push(() => t.c.destroy());
		await claimParagraphs(typists);

		let running = true;
		const loops = [
			...typists.map(async (t, i) => {
				const keys = prng(SEED + i);
				while (running) {
					const ch = keys.word(1);
					t.typed += ch;
					t.text!.insert(t.text!.length, ch);
					await new Promise((res) => setTimeout(res, 5));
				}
			}),
			...[viaA, onB].map(async (c, i) => {
				const words = prng(SEED + 10 + i);
				let n = 0;
				while (running) {
					c.send(`${i === 0 ? 'from A' : 'from B'} ${words.word(6)} ${'x'.repeat((n++ % 5) + 1)}`);
					await new Promise((res) => setTimeout(res, 25));
				}
			})
		];
		cleanup.push(async () => ((running = false), await Promise.all(loops)));

		const r = prng(SEED);
		const killAfter = 200 + r.int(400);
		await waitFor(() => typists[0]!.typed.length >= killAfter && viaA.acked.size >= 20, { timeoutMs: 30_000, what: `${killAfter} characters typed on A` });
		const ackedOnABeforeKill = { chat: viaA.acked.size, doc: typists[0]!.c.ackedMark };
		a.child.kill('SIGKILL');
		expect((await a.exited).signal).toBe('SIGKILL');

		// A's clients find B through the balancer by themselves and carry on.
		await waitFor(() => viaA.freshConnects >= 2 && typists[0]!.c.connections >= 2 && typists[0]!.c.synced, { timeoutMs: 20_000, what: 'A’s clients back on B' });
		expect(balancer.counts.get(b.url)).toBeGreaterThan(0);
		// Joining worked the first time, although A had not yet been missed by B (presence falls back to B's own).
		expect(viaA.joinFailures).toBe(0);
		const afterReconnect = { chat: viaA.acked.size, typed: typists[0]!.typed.length };
		await waitFor(() => viaA.acked.size > afterReconnect.chat + 10 && typists[0]!.typed.length > afterReconnect.typed + 50, { timeoutMs: 20_000, what: 'chatting and typing on B' });
		running = false;
		await Promise.all(loops);

		// Everything sent is stored in the end: what A acknowledged before dying, what it stored without getting the
		// acknowledgement out (resent, and recognised by its client id), and what B took since.
		await waitFor(() => viaA.pending.size === 0 && onB.pending.size === 0, { timeoutMs: 20_000, what: 'every send acknowledged' });
		expect(viaA.acked.size).toBeGreaterThanOrEqual(ackedOnABeforeKill.chat);
		const rows = await b.db.select({ id: chatMessages.id, clientId: chatMessages.clientId }).from(chatMessages).where(eq(chatMessages.spaceId, spaceId));
		const storedIds = new Set(rows.map((row) => row.id));
		const sent = [...viaA.acked, ...onB.acked];
		expect(rows).toHaveLength(sent.length);
		expect(new Set(rows.map((row) => row.clientId)).size).toBe(rows.length);
		for (const [, messageId] of sent) expect(storedIds.has(messageId)).toBe(true);
		// Both screens end up with every message, each once.
		await Promise.all([viaA.catchUp(), onB.catchUp()]);
		for (const c of [viaA, onB]) expect([...c.view.keys()].sort()).toEqual([...storedIds].sort());

		// Documents: both typists converge, and the database holds each paragraph exactly as typed.
		await waitConverged(typists.map((t) => t.c), 30_000);
		await Promise.all(typists.map((t) => t.c.waitStored(30_000)));
		expect(typists[0]!.c.ackedMark).toBeGreaterThanOrEqual(ackedOnABeforeKill.doc);
		// What A had sent to B but died before storing is stored by B once A's confirmation is overdue (CONFIRM_MS).
		const typed = typists.map((t) => t.prefix + t.typed).sort();
		const storedText = async () => paragraphs(await databaseDoc(b.db, docId)).sort();
		await waitFor(async () => JSON.stringify(await storedText()) === JSON.stringify(typed), { timeoutMs: 15_000, what: 'every typed character stored' }).catch(() => {});
		expect(await storedText()).toEqual(typed);
	});
});
