/**
 * Redis round trip per broadcast, measured directly from this process: a message sent on one connection and
 * received on another, one at a time, the two ways Tessera's processes talk — pub/sub (server/scale/bus.ts)
 * and a stream read with XREAD BLOCK (the Socket.IO redis-streams adapter, which carries chat broadcasts).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { dropPrefix, redisUrl } from '../../tests/helpers/cluster';

import type { Summary } from '../chat/fleet';

export type { Summary };

export function summarise(values: number[]): Summary {
	const v = Float64Array.from(values).sort();
	const q = (p: number) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))]! : NaN);
	const sum = values.reduce((a, b) => a + b, 0);
	return { n: v.length, p50: q(0.5), p99: q(0.99), max: v.length ? v[v.length - 1]! : NaN, mean: v.length ? sum / v.length : NaN };
}

export interface RedisRoundTrip {
	/** PUBLISH on one connection → the message on a subscribed second connection. */
	publish: Summary;
	/** XADD on one connection → a second connection's pending XREAD BLOCK returns it. */
	stream: Summary;
	/** PING → PONG on one connection: the bare request/response cost, for comparison. */
	ping: Summary;
	payloadBytes: number;
}

/** `count` messages of each kind, each sent only once the previous one has arrived, after a short warm-up. */
export async function measureRedisRoundTrip({ count, payloadBytes = 300 }: { count: number; payloadBytes?: number }): Promise<RedisRoundTrip> {
	const prefix = `tessera-bench-${randomBytes(6).toString('hex')}:`;
	const sender = new Redis(redisUrl);
	const receiver = new Redis(redisUrl);
	const payload = randomBytes(payloadBytes / 2).toString('hex');
	try {
		const ping: number[] = [];
		for (let i = 0; i < count; i++) {
			const t = performance.now();
			await sender.ping();
			ping.push(performance.now() - t);
		}

		const channel = `${prefix}rtt`;
		let arrived: (() => void) | null = null;
		receiver.on('message', () => arrived?.());
		await receiver.subscribe(channel);
		const publish: number[] = [];
		for (let i = 0; i < count + 100; i++) {
			const t = performance.now();
			const got = new Promise<void>((r) => (arrived = r));
			const published = sender.publish(channel, payload);
			await got;
			if (i >= 100) publish.push(performance.now() - t);
			await published;
		}
		await receiver.unsubscribe(channel);

		const stream = `${prefix}stream`;
		const reader = new Redis(redisUrl);
		const streamRtt: number[] = [];
		try {
			const readerId = String(await reader.client('ID'));
			// The read must be waiting in Redis before the write, as the adapter's always is.
			const blocked = async () => {
				for (;;) {
					const line = String(await sender.client('LIST', 'ID', readerId));
					if (/ flags=b /.test(line) && / cmd=xread /.test(line)) return;
				}
			};
			let offset = '$';
			for (let i = 0; i < count + 100; i++) {
				const reading = reader.xread('COUNT', 100, 'BLOCK', 5000, 'STREAMS', stream, offset);
				await blocked();
				const t = performance.now();
				const added = sender.xadd(stream, 'MAXLEN', '~', '10000', '*', 'm', payload);
				const res = await reading;
				if (i >= 100) streamRtt.push(performance.now() - t);
				await added;
				offset = res?.[0]?.[1].at(-1)?.[0] ?? offset;
			}
		} finally {
			reader.disconnect();
		}
		return { publish: summarise(publish), stream: summarise(streamRtt), ping: summarise(ping), payloadBytes };
	} finally {
		sender.disconnect();
		receiver.disconnect();
		await dropPrefix(prefix);
	}
}
