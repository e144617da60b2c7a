import type { ErrorCode } from '../src/lib/protocol/codes';

const APP_ERROR = Symbol.for('tessera.AppError');

export interface AppErrorOptions {
	/** Per-field codes, for forms. */
	fields?: Record<string, ErrorCode>;
	retryAfterSeconds?: number;
	/** For logs only; never shown. */
	detail?: string;
}

/**
 * An error whose code and status are safe to show. The sentence shown to a person is looked up from
 * `code` in their language at the edge.
 */
export class AppError extends Error {
	readonly [APP_ERROR] = true;
	override name = 'AppError';
	readonly fields?: Record<string, ErrorCode>;
	readonly retryAfterSeconds?: number;

	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		options: AppErrorOptions = {}
	) {
		super(options.detail ?? code);
		this.fields = options.fields;
		this.retryAfterSeconds = options.retryAfterSeconds;
	}
}

/**
 * Works across module copies: the built SvelteKit app and the server bundle each hold their own
 * copy of this file, so `instanceof` would not.
 */
export function isAppError(e: unknown): e is AppError {
	return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[APP_ERROR] === true;
}

export const notFound = () => new AppError(404, 'not_found');
export const forbidden = () => new AppError(403, 'forbidden');
export const unauthorized = () => new AppError(401, 'unauthorized');
