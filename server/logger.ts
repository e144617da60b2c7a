import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, namespaced by capability (`logger.child({ ns: 'accounts' })`).
 * Redaction is a second line of defence: code never passes passwords, tokens or message bodies to a log.
 */
export function createLogger({ level }: { level: pino.LevelWithSilent }): Logger {
	return pino({
		level,
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
	});
}
