import { randomBytes } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ConfigError, type Config } from '../config';
import type { Logger } from '../logger';
import { createLocalBus, createRedisBus, type Bus } from './bus';

export type { Bus } from './bus';

export interface LimiterOptions {
	/** Names the limit; keys of different limits never meet. */
	keyPrefix: string;
	points: number;
	/** Seconds until the points are back. */
	duration: number;
}

/**
 * What changes when Tessera runs as several processes. With `REDIS_URL` unset there is one process and every
 * part is in memory; with it, Socket.IO rooms, messages between processes and rate limits go through Redis, and
 * storage is the shared PostgreSQL (DATABASE_URL, required).
 */
export interface Scale {
	mode: 'single' | 'redis';
	/** This process, as the others know it. */
	nodeId: string;
	/** The Socket.IO adapter to use; undefined keeps Socket.IO's in-memory one. */
	adapter: ReturnType<typeof createAdapter> | undefined;
	/** Messages to the other processes (none with one process). */
	bus: Bus;
	/** A rate limit that holds across every process (in memory with one). */
	limiter(options: LimiterOptions): RateLimiterAbstract;
	/** Redis round trip within a second, for /healthz; resolves at once with one process. */
	ping(): Promise<void>;
	close(): Promise<void>;
}

export async function createScale({ config, logger }: { config: Config; logger: Logger }): Promise<Scale> {
	const nodeId = randomBytes(9).toString('base64url');
	if (!config.redisUrl) {
		return {
			mode: 'single',
			nodeId,
			adapter: undefined,
			bus: createLocalBus(),
			limiter: ({ keyPrefix, points, duration }) => new RateLimiterMemory({ keyPrefix, points, duration }),
			ping: async () => {},
			close: async () => {}
		};
	}
	if (!config.databaseUrl) {
		throw new ConfigError(
			'Invalid configuration:\n  REDIS_URL runs Tessera as one of several processes, and they must share one PostgreSQL database: set DATABASE_URL too (the embedded database serves a single process)'
		);
	}
	const log = logger.child({ ns: 'scale', nodeId });
	const prefix = config.redisPrefix;
	const options = { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 3, connectionName: `tessera:${nodeId}` };
	const commands = new Redis(config.redisUrl, options);
	// Named apart from the command connection (and the adapter's copies of it), so an operator can tell them apart.
	const subscriber = new Redis(config.redisUrl, { ...options, connectionName: `tessera:${nodeId}:bus` });
	// ioredis retries by itself; errors while it does are worth a line, not a crash.
	let lastError = 0;
	for (const client of [commands, subscriber]) {
		client.on('error', (err: Error) => {
			if (Date.now() - lastError < 10_000) return;
			lastError = Date.now();
			log.error({ err: { message: String(err?.message ?? err), code: (err as NodeJS.ErrnoException)?.code } }, 'Redis connection error (retrying)');
		});
	}
	try {
		await Promise.all([commands.connect(), subscriber.connect()]);
	} catch (e) {
		commands.disconnect();
		subscriber.disconnect();
		throw new ConfigError(`Redis at ${redactedUrl(config.redisUrl)} is not reachable (${e instanceof Error ? e.message : String(e)}): start it or correct REDIS_URL`);
	}
	// The adapter stores a dropped connection's recovery session with a SET it neither awaits nor catches: with
	// Redis away that rejection would end the process. It is caught (and logged) here; the connection then simply
	// cannot be recovered and reconnects afresh.
	const set = commands.set.bind(commands) as (...args: unknown[]) => Promise<unknown>;
	(commands as unknown as { set: (...args: unknown[]) => Promise<unknown> }).set = (...args: unknown[]) => {
		const reply = set(...args);
		reply.catch((err: unknown) => log.warn({ err: { message: (err as Error)?.message } }, 'a Redis write failed (a recovery session was not kept)'));
		return reply;
	};
	const bus = await createRedisBus({ commands, subscriber, prefix, nodeId, logger: log });
	const adapter = createAdapter(commands, {
		streamName: `${prefix}socket.io`,
		channelPrefix: `${prefix}socket.io`,
		sessionKeyPrefix: `${prefix}sio:session:`,
		// A connection recovered on another process replays what it missed from this stream: keep about two
		// minutes (the recovery window) of a busy program's packets, not the default 10,000.
		maxLen: 100_000,
		// A process that died is missed within 6 s; until then, asking every process (presence) falls back to this one.
		heartbeatInterval: 2_000,
		heartbeatTimeout: 6_000
	});
	log.info({ prefix }, 'scale-out on Redis');
	return {
		mode: 'redis',
		nodeId,
		adapter,
		bus,
		limiter: ({ keyPrefix, points, duration }) =>
			new RateLimiterRedis({
				storeClient: commands,
				keyPrefix: `${prefix}rl:${keyPrefix}`,
				points,
				duration,
				// Redis away: each process counts on its own until it is back, at once (no wait for a reconnect), rather
				// than letting everything through.
				rejectIfRedisNotReady: true,
				insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration })
			}),
		ping: async () => {
			if (commands.status !== 'ready') throw new Error(`Redis connection ${commands.status}`);
			let timer: NodeJS.Timeout | undefined;
			const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('Redis did not answer within 1 s')), 1_000)));
			await Promise.race([commands.ping(), late]).finally(() => clearTimeout(timer));
		},
		async close() {
			await bus.close();
			await Promise.allSettled([commands.quit(), subscriber.quit()]);
		}
	};
}

function redactedUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.href;
	} catch {
		return 'REDIS_URL';
	}
}
