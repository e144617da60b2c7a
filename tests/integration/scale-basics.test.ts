import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';
import { DataDirInUseError, lockDataDir } from '../../server/db/lock';
import { createSpace, joinSpace, newUser } from '../helpers/api';
import { nextMessage, record, request, sendOk } from '../helpers/chat';
import { cutSubscriber, redisAvailable, redisUrl, startCluster, type Cluster } from '../helpers/cluster';
import { Redis } from 'ioredis';
import { Sockets } from '../helpers/sockets';
import { createDocument } from '../helpers/yjs';
import { startTestServer } from '../helpers/server';
import { fakeSmtp } from '../helpers/safeguarding';
import { outbox } from '../../server/db/schema';
import { waitFor } from '../helpers/wait';

const redis = await redisAvailable();

describe('several processes need PostgreSQL', () => {
	it('REDIS_URL without DATABASE_URL is refused before the embedded database opens, with a message saying what to set', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'tessera-scale-'));
		try {
			const err = await startTestServer({ db: 'pglite', config: { redisUrl, redisPrefix: 'tessera-t-refused:' } }).then(
				() => null,
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(ConfigError);
			expect(String((err as Error).message)).toMatch(/DATABASE_URL/);
		} finally {
			await rm(dataDir, { recursive: true, force: true });
		}
	});

	it('a second process on the same embedded database folder is refused with a clear message; a dead holder’s lock (or one naming this pid) is taken over', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'tessera-lock-'));
		try {
			// A live process other than this one (the parent of the test runner) holds the folder.
			await writeFile(join(dataDir, 'tessera.pid'), String(process.ppid));
			await expect(lockDataDir(dataDir)).rejects.toThrow(DataDirInUseError);
			await expect(lockDataDir(dataDir)).rejects.toThrow(/embedded database .* one process.*DATABASE_URL/s);
			// A holder that no longer exists (pid beyond any real one) leaves a stale lock behind.
			await writeFile(join(dataDir, 'tessera.pid'), '2147483646');
			const release = await lockDataDir(dataDir);
			release();
			// So does this very process's pid: a container restarted after kill -9 often gets the same one.
			await writeFile(join(dataDir, 'tessera.pid'), String(process.pid));
			(await lockDataDir(dataDir))();
		} finally {
			await rm(dataDir, { recursive: true, force: true });
		}
	});

	it.runIf(redis)('several processes started together on a fresh database all come up (one applies the migrations, the others wait)', async () => {
		const cluster = await startCluster({ nodes: 0 });
		try {
			const started = await Promise.all([cluster.add(), cluster.add(), cluster.add()]);
			for (const s of started) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
		} finally {
			await cluster.close();
		}
	});

	it('REDIS_URL must be a redis:// URL', () => {
		expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL: must start with redis:\/\//);
	});
});

describe.runIf(redis)('two processes on Redis and PostgreSQL', () => {
	let cluster: Cluster;
	const sockets = new Sockets();
	beforeAll(async () => {
		cluster = await startCluster({ nodes: 2 });
	});
	afterAll(() => cluster?.close());
	afterEach(() => sockets.closeAll());

	it('malformed messages between processes (bad frames, bad JSON, payloads of the wrong shape, garbage on a document channel) are dropped; both processes stay up and serve', async () => {
		const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
		const owner = await newUser(a.url);
		const spaceId = await createSpace(a.url, owner);
		const docId = await createDocument(a.url, owner, spaceId);
		const raw = new Redis(redisUrl);
		try {
			const frame = (from: string, body: Buffer) => Buffer.concat([Buffer.from([from.length]), Buffer.from(from, 'latin1'), body]);
			const bus = `${cluster.prefix}bus`;
			const json = (v: unknown) => frame('intruder', Buffer.from(JSON.stringify(v)));
			for (const message of [
				Buffer.alloc(0),
				Buffer.from([200, 1, 2]),
				frame('intruder', Buffer.from('{not json')),
				json(null),
				json({ topic: 42 }),
				json({ topic: 'inv:user', payload: null }),
				json({ topic: 'inv:restrictions', payload: null }),
				json({ topic: 'inv:member', payload: { spaceId: 'x' } }),
				json({ topic: 'docs:close', payload: { what: 'user' } }),
				json({ topic: 'chat:languages', payload: { spaceId, targets: 'es' } }),
				json({ topic: 'chat:languages:all', payload: { spaces: null } })
			])
				await raw.publish(bus, message);
			for (const body of [Buffer.from([0, 255, 255, 255]), Buffer.from([2, 9, 9]), Buffer.from([4, 255]), Buffer.from([5]), Buffer.from([1, 200, 200])])
				await raw.publish(`${cluster.prefix}ch:doc:${docId}`, frame('intruder', body));
		} finally {
			raw.disconnect();
		}
		await new Promise((r) => setTimeout(r, 300));
		for (const node of [a, b]) expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
		// And they still act as one: a message on A reaches B.
		const reader = await newUser(b.url);
		await joinSpace(a.url, owner, reader, spaceId);
		const onA = await sockets.connect(a.url, { token: owner.token });
		const onB = await sockets.connect(b.url, { token: reader.token });
		expect(await request(onA, 'space:join', { spaceId })).toMatchObject({ ok: true });
		expect(await request(onB, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const clientId = randomUUID();
		const arriving = nextMessage(onB, clientId);
		await sendOk(onA, spaceId, 'still one deployment', { clientId });
		expect((await arriving).text).toBe('still one deployment');
	});

	it('a process whose link to Redis drops and comes back tells its connections to catch up (chat:resync); the other process’s do not hear it', async () => {
		const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
		const user = await newUser(a.url);
		const onA = await sockets.connect(a.url, { token: user.token });
		const onB = await sockets.connect(b.url, { token: user.token });
		const resyncA = record(onA, 'chat:resync');
		const resyncB = record(onB, 'chat:resync');
		await cutSubscriber(b.app.scale.nodeId);
		await waitFor(() => resyncB.length === 1, { what: 'chat:resync on B' });
		expect(resyncA).toEqual([]);
	});

	it('both report themselves healthy as different nodes of one deployment', async () => {
		const [a, b] = await Promise.all(cluster.nodes.map((n) => fetch(`${n.url}/healthz`).then((r) => r.json() as Promise<{ status: string; scale: string; node: string; database: string }>)));
		expect(a).toMatchObject({ status: 'ok', scale: 'redis', database: 'postgres' });
		expect(b).toMatchObject({ status: 'ok', scale: 'redis', database: 'postgres' });
		expect(a!.node).not.toBe(b!.node);
	});

	it('a chat message sent on A reaches a reader on B exactly once', async () => {
		const [a, b] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0]];
		const owner = await newUser(a.url);
		const reader = await newUser(b.url);
		const spaceId = await createSpace(a.url, owner);
		await joinSpace(a.url, owner, reader, spaceId);
		const onA = await sockets.connect(a.url, { token: owner.token });
		const onB = await sockets.connect(b.url, { token: reader.token });
		expect(await request(onA, 'space:join', { spaceId })).toMatchObject({ ok: true });
		expect(await request(onB, 'space:join', { spaceId })).toMatchObject({ ok: true });
		const seen = record(onB, 'chat:message');
		const clientId = randomUUID();
		const arriving = nextMessage(onB, clientId);
		await sendOk(onA, spaceId, 'hello across processes', { clientId });
		expect((await arriving).text).toBe('hello across processes');
		// A message after it, from B's side, arrives on A: by then a duplicate of the first would have reached B too.
		const back = randomUUID();
		const returning = nextMessage(onA, back);
		await sendOk(onB, spaceId, 'and back', { clientId: back });
		await returning;
		await sendOk(onA, spaceId, 'a last one', { clientId: randomUUID() });
		await waitFor(() => seen.length >= 2, { what: 'the last message on B' });
		expect(seen.filter((m) => m.clientId === clientId)).toHaveLength(1);
	});
});

describe.runIf(redis)('mail with several processes', () => {
	it('each queued mail goes out once, whichever processes run the outbox at the same moment', async () => {
		const smtp = await fakeSmtp();
		const cluster = await startCluster({ nodes: 3, config: { smtpUrl: smtp.url } });
		try {
			const [a, b, c] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
			const mails = Array.from({ length: 45 }, (_, i) => ({ kind: 'test', toAddress: `guardian-${i}@example.org`, subject: `Mail ${i}`, body: `Hello ${i}` }));
			await a.db.insert(outbox).values(mails);
			for (let round = 0; round < 3; round++) for (const node of [a, b, c]) node.app.safeguarding.outbox.kick();
			await waitFor(() => new Set(smtp.messages.map((m) => m.to)).size === mails.length, { timeoutMs: 15_000, what: 'every mail delivered' });
			// Give a duplicate time to arrive, then count.
			await new Promise((r) => setTimeout(r, 500));
			expect(smtp.messages).toHaveLength(mails.length);
			const unsent = (await a.db.select().from(outbox)).filter((row) => !row.sentAt);
			expect(unsent).toEqual([]);
		} finally {
			await cluster.close();
			await smtp.close();
		}
	});
});
