import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

/**
 * Errors as logged: type, message, code and stack, and nothing else. A failed query's error carries the
 * query's parameters (drizzle puts them in `params` and in the message; PostgreSQL puts row values in
 * `detail`), and those can be a minor's bio, an email or a password hash, so they never reach the log.
 */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
	if (!(err instanceof Error)) return { message: String(err).slice(0, 200) };
	const e = err as Error & { code?: unknown; status?: unknown };
	const out: Record<string, unknown> = {
		type: e.name,
		message: e.message.split(/\nparams:/)[0]!.slice(0, 500),
		stack: e.stack?.split('\n').filter((line) => /^\s+at /.test(line)).join('\n')
	};
	if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
	if (typeof e.status === 'number') out.status = e.status;
	if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
	return out;
}

const options: pino.LoggerOptions = {
	serializers: { err: (e: unknown) => serializeError(e) },
	redact: {
		paths: [
			'password',
			'*.password',
			'newPassword',
			'*.newPassword',
			'currentPassword',
			'*.currentPassword',
			'token',
			'*.token',
			'req.headers.cookie',
			'req.headers.authorization',
			'headers.cookie',
			'headers.authorization',
			'guardianEmail',
			'*.guardianEmail'
		],
		censor: '[redacted]'
	}
};

/**
 * Structured logs, namespaced by capability (`logger.child({ ns: 'accounts' })`), to standard output unless
 * `destination` says otherwise. Redaction is a second line of defence: code never passes passwords, tokens or
 * message bodies to a log.
 */
export function createLogger({ level, destination }: { level: pino.LevelWithSilent; destination?: DestinationStream }): Logger {
	return pino({ ...options, level }, destination);
}
