import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Logger } from '../logger';

/** How long a publisher may wait for Redis to take a message. */
const PUBLISH_WAIT_MS = 1_000;

type Handler<T> = (payload: T, from: string) => void;
type BinaryHandler = (data: Uint8Array, from: string) => void;

/**
 * Messages between Tessera processes. Every message goes to every *other* process, never back to the one
 * that sent it. Delivery is at most once (Redis pub/sub): after Redis comes back from an outage, `onResume`
 * tells each part to repair what it may have missed (documents resync, language lists are sent again).
 */
export interface Bus {
	/**
	 * JSON messages on a named topic, to every other process. The promise (never rejected) resolves once Redis has
	 * handed the message to the subscribers, for a caller that must not answer before the others could know — or
	 * after a second at most, when Redis is away.
	 */
	publish<T>(topic: string, payload: T): Promise<void>;
	/** With `schema`, a payload that does not match it is dropped (and logged) before `handler` sees it. */
	on<T>(topic: string, handler: Handler<T>, schema?: z.ZodType<T>): () => void;
	/**
	 * Binary messages on a channel of their own (one per open document), to the processes subscribed to it.
	 * Resolves once the subscription is active, so nothing published afterwards is missed.
	 */
	subscribe(channel: string, handler: BinaryHandler): Promise<() => Promise<void>>;
	publishBinary(channel: string, data: Uint8Array): void;
	/** Called after the connection to Redis was lost and is back. */
	onResume(handler: () => void): () => void;
	/**
	 * Resolves once every JSON message published so far has reached Redis (or given up waiting): an HTTP request
	 * that changed something waits for it, so its effect holds on every process when the answer is seen.
	 */
	settled(): Promise<unknown> | undefined;
	close(): Promise<void>;
}

/** One process: nobody else to tell. */
export function createLocalBus(): Bus {
	return {
		publish: async () => {},
		on: () => () => {},
		subscribe: async () => async () => {},
		publishBinary: () => {},
		onResume: () => () => {},
		settled: () => undefined,
		close: async () => {}
	};
}

/**
 * Frames carry their sender: [length of node id][node id][body]. The subscriber connection hears its own
 * process's messages too; those are dropped here, so no process applies its own update twice.
 */
function frame(nodeId: Buffer, body: Uint8Array): Buffer {
	const out = Buffer.allocUnsafe(1 + nodeId.length + body.byteLength);
	out[0] = nodeId.length;
	nodeId.copy(out, 1);
	out.set(body, 1 + nodeId.length);
	return out;
}

function isEnvelope(value: unknown): value is { topic: string; payload: unknown } {
	return typeof value === 'object' && value !== null && typeof (value as { topic?: unknown }).topic === 'string' && 'payload' in value;
}

function unframe(message: Buffer): { from: string; body: Buffer } | null {
	const n = message[0];
	if (n === undefined || message.length < 1 + n) return null;
	return { from: message.toString('latin1', 1, 1 + n), body: message.subarray(1 + n) };
}

export async function createRedisBus({
	commands,
	subscriber,
	prefix,
	nodeId,
	logger
}: {
	commands: Redis;
	subscriber: Redis;
	prefix: string;
	nodeId: string;
	logger: Logger;
}): Promise<Bus> {
	const me = Buffer.from(nodeId, 'latin1');
	const topicsChannel = `${prefix}bus`;
	const channelName = (channel: string) => `${prefix}ch:${channel}`;
	const topics = new Map<string, Set<Handler<unknown>>>();
	const channels = new Map<string, Set<BinaryHandler>>();
	/** SUBSCRIBE commands in flight by channel: a second subscriber waits for the same one. */
	const subscribing = new Map<string, Promise<unknown>>();
	const resumed = new Set<() => void>();
	let readyOnce = false;

	subscriber.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
		const parsed = unframe(message);
		if (!parsed || parsed.from === nodeId) return;
		const channel = channelBuf.toString();
		if (channel === topicsChannel) {
			let envelope: unknown;
			try {
				envelope = JSON.parse(parsed.body.toString('utf8'));
			} catch {
				envelope = null;
			}
			// Whatever Redis hands over is checked like any input: a bad message is dropped, the process stays up.
			if (!isEnvelope(envelope)) return void logger.warn({ from: parsed.from }, 'unreadable message between processes dropped');
			for (const h of topics.get(envelope.topic) ?? []) {
				try {
					const result = h(envelope.payload, parsed.from) as unknown;
					if (result instanceof Promise) result.catch((err: unknown) => logger.error({ err, topic: envelope.topic }, 'a handler of a message between processes failed'));
				} catch (err) {
					logger.error({ err, topic: envelope.topic }, 'a handler of a message between processes failed');
				}
			}
			return;
		}
		const handlers = channels.get(channel.slice(prefix.length + 3));
		if (!handlers) return;
		const data = new Uint8Array(parsed.body.buffer, parsed.body.byteOffset, parsed.body.byteLength);
		for (const h of handlers) {
			try {
				h(data, parsed.from);
			} catch (err) {
				logger.error({ err, channel }, 'a handler of a message between processes failed');
			}
		}
	});
	// ioredis subscribes again by itself after a reconnect; whatever was published meanwhile is gone.
	subscriber.on('ready', () => {
		if (!readyOnce) return void (readyOnce = true);
		logger.warn('Redis is back: repairing what may have been missed');
		for (const h of resumed) h();
	});
	readyOnce = subscriber.status === 'ready';
	await subscriber.subscribe(topicsChannel);

	const inFlight = new Set<Promise<void>>();

	function send(channel: string, body: Uint8Array): Promise<void> {
		return commands.publish(channel, frame(me, body)).then(
			() => {},
			(err: Error) => logger.warn({ err: { message: err.message }, channel }, 'publishing to the other processes failed')
		);
	}

	/** `send`, resolving after PUBLISH_WAIT_MS at most: whoever waits (an HTTP answer) is not held up by a Redis outage, and what is lost then, onResume repairs. */
	function sendWithin(channel: string, body: Uint8Array): Promise<void> {
		const sent = send(channel, body);
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<void>((resolve) => {
			timer = setTimeout(resolve, PUBLISH_WAIT_MS);
			timer.unref();
		});
		return Promise.race([sent.finally(() => clearTimeout(timer)), late]);
	}

	return {
		publish(topic, payload) {
			const sent = sendWithin(topicsChannel, Buffer.from(JSON.stringify({ topic, payload }), 'utf8'));
			inFlight.add(sent);
			void sent.finally(() => inFlight.delete(sent));
			return sent;
		},
		settled() {
			return inFlight.size === 0 ? undefined : Promise.all(inFlight);
		},
		on<T>(topic: string, handler: Handler<T>, schema?: z.ZodType<T>) {
			let set = topics.get(topic);
			if (!set) topics.set(topic, (set = new Set()));
			const checked: Handler<unknown> = schema
				? (payload, from) => {
						const parsed = schema.safeParse(payload);
						if (!parsed.success) return void logger.warn({ from, topic }, 'malformed message between processes dropped');
						return handler(parsed.data, from);
					}
				: (handler as Handler<unknown>);
			set.add(checked);
			return () => void set.delete(checked);
		},
		async subscribe(channel, handler) {
			let set = channels.get(channel);
			if (!set) {
				channels.set(channel, (set = new Set()));
				const pending = subscriber.subscribe(channelName(channel)).finally(() => subscribing.delete(channel));
				subscribing.set(channel, pending);
			}
			set.add(handler);
			try {
				await subscribing.get(channel);
			} catch (err) {
				// Not subscribed: forget the handler, so the next subscriber sends SUBSCRIBE again.
				const current = channels.get(channel);
				current?.delete(handler);
				if (current?.size === 0) channels.delete(channel);
				throw err;
			}
			return async () => {
				const current = channels.get(channel);
				if (!current) return;
				current.delete(handler);
				if (current.size > 0) return;
				channels.delete(channel);
				await subscriber.unsubscribe(channelName(channel)).catch(() => {});
			};
		},
		publishBinary(channel, data) {
			void send(channelName(channel), data);
		},
		onResume(handler) {
			resumed.add(handler);
			return () => void resumed.delete(handler);
		},
		async close() {
			topics.clear();
			channels.clear();
			resumed.clear();
		}
	};
}
