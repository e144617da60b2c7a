import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

const options: pino.LoggerOptions = {
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
