import type { Socket } from 'socket.io';
import type { ErrorBody, ErrorCode } from '../../src/lib/protocol/codes';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import { isAppError } from '../errors';
import { errorBody } from '../i18n';
import type { Logger } from '../logger';

export type TesseraSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export function localeOf(socket: TesseraSocket): UiLocale {
	return isUiLocale(socket.data.locale) ? socket.data.locale : 'en';
}

/** A failed ack in the person's language. */
export function fail(socket: TesseraSocket, code: ErrorCode, params: Record<string, unknown> = {}): { ok: false; error: ErrorBody } {
	return { ok: false, error: errorBody(code, localeOf(socket), undefined, params) };
}

/** A failed ack for anything a handler threw: AppErrors keep their code, anything else is logged and becomes `internal`. */
export function failFrom(socket: TesseraSocket, err: unknown, log: Logger, context: Record<string, unknown>, params: Record<string, unknown> = {}) {
	if (isAppError(err)) return fail(socket, err.code, { ...params, seconds: err.retryAfterSeconds ?? 1 });
	log.error({ err, userId: socket.data.userId, ...context }, 'socket event failed');
	return fail(socket, 'internal');
}

/**
 * The ack a client passed, or a no-op when it passed none (or something else): a client that does not wait
 * for an answer must not crash the handler.
 */
export function replier<T>(ack: unknown): (res: T) => void {
	return typeof ack === 'function' ? (ack as (res: T) => void) : () => {};
}
