import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createSpace, newUser } from '../helpers/api';
import { request } from '../helpers/chat';
import { startBalancer } from '../helpers/balancer';
import { redisAvailable, redisUrl, startCluster } from '../helpers/cluster';
import { waitFor } from '../helpers/wait';

const redis = await redisAvailable();

describe.runIf(redis)('a process that loses Redis', () => {
	const cleanup: (() => Promise<unknown> | unknown)[] = [];
	afterAll(async () => {
		for (const f of cleanup.splice(0).reverse()) await f();
	});

	it('stays up while its clients come and go, answers /healthz with redis: unreachable, and is whole again when Redis is back', async () => {
		// The process reaches Redis through a proxy the test can cut, as a network fault would.
		const { hostname, port } = new URL(redisUrl.replace(/^redis/, 'http'));
		let proxy = await startBalancer([`http://${hostname}:${port}`]);
		const proxyPort = new URL(proxy.url).port;
		const cluster = await startCluster({ nodes: 0 });
		cleanup.push(() => cluster.close());
		const child = await cluster.spawn({ REDIS_URL: `redis://127.0.0.1:${proxyPort}` });
		cleanup.push(() => proxy.close());
		const user = await newUser(child.url);
		const connect = async () => {
			const socket = io(child.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: user.token } });
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', () => resolve());
				socket.once('connect_error', reject);
			});
			return socket;
		};
		const sockets = [await connect(), await connect()];
		const spaceId = await createSpace(child.url, user);
		const writer = await connect();
		expect(await request(writer, 'space:join', { spaceId })).toMatchObject({ ok: true });

		await proxy.close();
		// Connections that drop now have their recovery session written to a Redis that is not there.
		// Dropped as a network would drop them (no goodbye), so the server keeps a session to recover them.
		for (const s of sockets) s.io.engine.close();
		const health = await waitFor(
			async () => {
				const res = await fetch(`${child.url}/healthz`);
				const body = (await res.json()) as { status: string; redis?: string };
				return res.status === 200 && body.redis === 'unreachable' ? body : null;
			},
			{ timeoutMs: 10_000, what: '/healthz saying Redis is unreachable' }
		);
		expect(health.status).toBe('degraded');
		// Its own clients are still served: a message is stored and acknowledged (rate limits counted here alone).
		const sent = await request(writer, 'chat:send', { spaceId, clientId: randomUUID(), text: 'said while Redis is away' });
		expect(sent).toMatchObject({ ok: true, message: { text: 'said while Redis is away' } });
		// Long enough for every retry of what was sent meanwhile to give up.
		await new Promise((r) => setTimeout(r, 3_000));
		expect(child.child.exitCode, child.output.join('')).toBeNull();

		// Redis back on the same address: the process is whole again.
		proxy = await startBalancer([`http://${hostname}:${port}`], { port: Number(proxyPort) });
		await waitFor(
			async () => {
				const res = await fetch(`${child.url}/healthz`);
				return res.status === 200 && ((await res.json()) as { status: string }).status === 'ok';
			},
			{ timeoutMs: 15_000, what: '/healthz ok again' }
		);
		const again = await connect();
		again.disconnect();
		writer.disconnect();
	});
});
