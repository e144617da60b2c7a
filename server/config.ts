import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { DestinationStream } from './logger';
import { smtpTls } from './safeguarding/smtp-tls';

/** Every setting Tessera reads, parsed and validated once. Documented in README.md. */
export interface Config {
	port: number;
	host: string;
	/** Public origin (as adapter-node reads ORIGIN); when unset, same-origin is judged from the Host header. */
	origin: string | undefined;
	/** Extra origins allowed to open WebSocket and Socket.IO connections. */
	allowedOrigins: string[];
	/** Trust X-Forwarded-Proto from a reverse proxy (for Secure cookies and origin checks). */
	trustProxy: boolean;
	dataDir: string;
	databaseUrl: string | undefined;
	/** Redis for running several processes as one (Socket.IO rooms, document fan-out, rate limits); needs databaseUrl. */
	redisUrl: string | undefined;
	/** Every Redis key and channel Tessera uses starts with this, so several deployments (or test runs) can share one Redis. */
	redisPrefix: string;
	logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
	/** Where logs are written; standard output when unset. Not read from the environment (tests capture logs with it). */
	logDestination?: DestinationStream;
	sessionIdleMinutes: number;
	sessionAbsoluteHours: number;
	/** Largest request body accepted, in bytes. */
	bodySizeLimit: number;
	inviteDefaultHours: number;
	loginMaxPerIp: number;
	loginMaxPerAccount: number;
	loginWindowSeconds: number;
	signUpsPerIpPerHour: number;
	/** Largest WebSocket frame the document relay accepts, in bytes (larger: close 1009). */
	docsMaxFrameBytes: number;
	/** Largest stored size of one document, in bytes (an update beyond it: close 4413, not applied). */
	docsMaxDocumentBytes: number;
	/** Document connections one account may hold open at once (one more: close 4429). */
	docsMaxOpenPerUser: number;
	/** Time an upgrade may take to authenticate before it is refused, in ms. */
	docsAuthTimeoutMs: number;
	/** Interval between liveness pings; a connection that missed one pong is closed. */
	docsPingIntervalMs: number;
	/** Stored updates after which a document's log is folded into its snapshot. */
	docsCompactAfterUpdates: number;
	/** How long a document update waits for others to share its database write, in ms (its Stored ack waits as long). */
	docsWriteLingerMs: number;
	/** Which machine translator chat uses; 'auto' picks LibreTranslate, then Apertium, by which URL is set. */
	translator: 'libretranslate' | 'apertium' | 'none';
	libreTranslateUrl: string | undefined;
	/** Sent with every LibreTranslate request when set. Never logged. */
	libreTranslateApiKey: string | undefined;
	apertiumUrl: string | undefined;
	/** One translator request may take this long before it counts as failed, in ms. */
	translateTimeoutMs: number;
	/** Translations kept in memory (LRU); the database keeps all of them. */
	translateCacheEntries: number;
	/** Messages one person may send into one space at once, before the sustained rate applies. */
	chatSendBurst: number;
	/** Sustained messages per second one person may send into one space. */
	chatSendPerSecond: number;
	/** External classifier every chat text is posted to (optional). */
	moderationWebhookUrl: string | undefined;
	/** How long the classifier may take, in ms, before `moderationWebhookFail` applies. */
	moderationWebhookTimeoutMs: number;
	/** When the classifier times out or fails: `closed` holds the text for review, `open` lets it through. */
	moderationWebhookFail: 'open' | 'closed';
	/** How long, in ms, someone must pause writing in a document before the classifier webhook reads the text. */
	moderationSettleMs: number;
	/** Messages one person may send into one space per minute before moderation blocks them (0: no limit). Never below 3 × chatSendBurst. */
	moderationFloodPerMinute: number;
	/** The same text this many times within two minutes is held for review (0: never). */
	moderationRepeatLimit: number;
	/**
	 * smtps://user:pass@host:465, or smtp://...:587 with STARTTLS required (`?tls=off` sends in plain text; a loopback host
	 * uses STARTTLS when offered); without it, admins pass unsent mail on by hand. Never logged.
	 */
	smtpUrl: string | undefined;
	/** The From of mail Tessera sends (guardian consent links). */
	mailFrom: string;
	/** Where the built SvelteKit app lives (build/handler.js). */
	buildDir: string;
	migrationsDir: string;
	version: string;
}

export const projectRoot = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

const bool = z
	.enum(['1', '0', 'true', 'false', 'yes', 'no'])
	.transform((v) => v === '1' || v === 'true' || v === 'yes');
const origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	ORIGIN: origin.optional(),
	ALLOWED_ORIGINS: z
		.string()
		.default('')
		.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
		.pipe(z.array(origin)),
	TRUST_PROXY: bool.default(false),
	DATA_DIR: z.string().default('data'),
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
		.optional(),
	REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
		.optional(),
	REDIS_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64')
		.default('tessera:'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(30),
	SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(12),
	BODY_SIZE_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
	INVITE_DEFAULT_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
	LOGIN_MAX_PER_IP: z.coerce.number().int().min(1).default(30),
	LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
	LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60),
	SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(60),
	DOCS_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
	DOCS_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
	DOCS_MAX_OPEN_PER_USER: z.coerce.number().int().min(1).default(32),
	DOCS_PING_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(30),
	DOCS_COMPACT_AFTER_UPDATES: z.coerce.number().int().min(10).default(1000),
	DOCS_WRITE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(4),
	TRANSLATOR: z.enum(['auto', 'libretranslate', 'apertium', 'none']).default('auto'),
	LIBRETRANSLATE_URL: z.url({ protocol: /^https?$/ }).optional(),
	LIBRETRANSLATE_API_KEY: z.string().optional(),
	APERTIUM_URL: z.url({ protocol: /^https?$/ }).optional(),
	TRANSLATE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
	TRANSLATE_CACHE_ENTRIES: z.coerce.number().int().min(0).default(10_000),
	CHAT_SEND_BURST: z.coerce.number().int().min(1).default(10),
	CHAT_SEND_PER_SECOND: z.coerce.number().min(0.01).default(2),
	MODERATION_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
	MODERATION_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
	MODERATION_SETTLE_MS: z.coerce.number().int().min(100).max(60_000).default(1500),
	MODERATION_WEBHOOK_FAIL: z.enum(['open', 'closed']).default('closed'),
	MODERATION_FLOOD_PER_MINUTE: z.coerce.number().int().min(0).default(30),
	MODERATION_REPEAT_LIMIT: z.coerce.number().int().min(0).default(5),
	SMTP_URL: z
		.url({ protocol: /^smtps?$/ })
		// The message names the rule, never the URL (it may carry a password).
		.refine((u) => smtpTls(new URL(u)) !== 'tls_invalid', { error: 'tls must be "off" or "required" (and smtps:// is always TLS)' })
		.optional(),
	MAIL_FROM: z.string().default('Tessera <tessera@localhost>')
});

export class ConfigError extends Error {
	override name = 'ConfigError';
}

/** Reads the environment once; `overrides` win over it (tests use them to run several servers in one process). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
	const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	if (e.TRANSLATOR === 'libretranslate' && !e.LIBRETRANSLATE_URL) throw new ConfigError('Invalid configuration:\n  TRANSLATOR=libretranslate needs LIBRETRANSLATE_URL');
	if (e.TRANSLATOR === 'apertium' && !e.APERTIUM_URL) throw new ConfigError('Invalid configuration:\n  TRANSLATOR=apertium needs APERTIUM_URL');
	const defaults: Config = {
		port: e.PORT,
		host: e.HOST,
		origin: e.ORIGIN,
		allowedOrigins: e.ALLOWED_ORIGINS,
		trustProxy: e.TRUST_PROXY,
		dataDir: resolve(projectRoot, e.DATA_DIR),
		databaseUrl: e.DATABASE_URL,
		redisUrl: e.REDIS_URL,
		redisPrefix: e.REDIS_PREFIX,
		logLevel: e.LOG_LEVEL,
		sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
		sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
		bodySizeLimit: e.BODY_SIZE_LIMIT,
		inviteDefaultHours: e.INVITE_DEFAULT_HOURS,
		loginMaxPerIp: e.LOGIN_MAX_PER_IP,
		loginMaxPerAccount: e.LOGIN_MAX_PER_ACCOUNT,
		loginWindowSeconds: e.LOGIN_WINDOW_SECONDS,
		signUpsPerIpPerHour: e.SIGNUPS_PER_IP_PER_HOUR,
		docsMaxFrameBytes: e.DOCS_MAX_FRAME_BYTES,
		docsMaxDocumentBytes: e.DOCS_MAX_DOCUMENT_BYTES,
		docsMaxOpenPerUser: e.DOCS_MAX_OPEN_PER_USER,
		docsAuthTimeoutMs: 10_000,
		docsPingIntervalMs: e.DOCS_PING_INTERVAL_SECONDS * 1000,
		docsCompactAfterUpdates: e.DOCS_COMPACT_AFTER_UPDATES,
		docsWriteLingerMs: e.DOCS_WRITE_LINGER_MS,
		translator: pickTranslator(e.TRANSLATOR, e.LIBRETRANSLATE_URL, e.APERTIUM_URL),
		libreTranslateUrl: e.LIBRETRANSLATE_URL,
		libreTranslateApiKey: e.LIBRETRANSLATE_API_KEY,
		apertiumUrl: e.APERTIUM_URL,
		translateTimeoutMs: e.TRANSLATE_TIMEOUT_MS,
		translateCacheEntries: e.TRANSLATE_CACHE_ENTRIES,
		chatSendBurst: e.CHAT_SEND_BURST,
		chatSendPerSecond: e.CHAT_SEND_PER_SECOND,
		moderationWebhookUrl: e.MODERATION_WEBHOOK_URL,
		moderationWebhookTimeoutMs: e.MODERATION_WEBHOOK_TIMEOUT_MS,
		moderationSettleMs: e.MODERATION_SETTLE_MS,
		moderationWebhookFail: e.MODERATION_WEBHOOK_FAIL,
		moderationFloodPerMinute: e.MODERATION_FLOOD_PER_MINUTE,
		moderationRepeatLimit: e.MODERATION_REPEAT_LIMIT,
		smtpUrl: e.SMTP_URL,
		mailFrom: e.MAIL_FROM,
		buildDir: resolve(projectRoot, 'build'),
		migrationsDir: resolve(projectRoot, 'server/db/migrations'),
		version: readVersion()
	};
	return { ...defaults, ...overrides };
}

function pickTranslator(choice: 'auto' | Config['translator'], libreTranslateUrl?: string, apertiumUrl?: string): Config['translator'] {
	if (choice !== 'auto') return choice;
	if (libreTranslateUrl) return 'libretranslate';
	if (apertiumUrl) return 'apertium';
	return 'none';
}

function findProjectRoot(start: string): string {
	let dir = start;
	while (!existsSync(resolve(dir, 'package.json'))) {
		const parent = dirname(dir);
		if (parent === dir) return process.cwd();
		dir = parent;
	}
	return dir;
}

function readVersion(): string {
	const pkg = JSON.parse(readFileSync(resolve(projectRoot, 'package.json'), 'utf8')) as { version: string };
	return pkg.version;
}
