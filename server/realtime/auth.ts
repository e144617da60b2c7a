import type { IncomingMessage } from 'node:http';
import type { Tessera } from '../app';
import { isAllowedOrigin } from './origin';

export const SESSION_COOKIE = 'tessera_session';

/** Reads one cookie without a dependency; values are URL-decoded. */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq === -1) continue;
		if (part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}

export function bearerToken(header: string | undefined): string | undefined {
	const match = header?.match(/^Bearer\s+(\S+)$/i);
	return match?.[1];
}

export type UpgradeAuth =
	| { ok: true; session: NonNullable<Awaited<ReturnType<Tessera['accounts']['authenticate']>>> }
	| { ok: false; status: 401 | 403; reason: 'bad_origin' | 'unauthorized' };

/**
 * The check every WebSocket upgrade and Socket.IO handshake passes: a browser's Origin must be allowed; a client
 * without Origin must present a bearer token (unless Sec-Fetch-Site says the browser sent it same-origin).
 * Then the session must be live.
 */
export async function authenticateUpgrade(
	app: Tessera,
	req: IncomingMessage,
	explicitToken: string | undefined
): Promise<UpgradeAuth> {
	const origin = req.headers.origin;
	if (origin !== undefined) {
		const allowed = isAllowedOrigin({
			origin,
			host: req.headers.host,
			configuredOrigin: app.config.origin,
			allowedOrigins: app.config.allowedOrigins
		});
		if (!allowed) return { ok: false, status: 403, reason: 'bad_origin' };
	}
	// The cookie counts only when a browser vouches for where the request came from: an allowed Origin, or —
	// for same-origin GETs such as Socket.IO's long-polling, which carry no Origin — Sec-Fetch-Site, a header
	// page scripts cannot set. Anything else must present a bearer token.
	const browserSameOrigin = origin !== undefined || req.headers['sec-fetch-site'] === 'same-origin';
	const token =
		explicitToken ?? bearerToken(req.headers.authorization) ?? (browserSameOrigin ? readCookie(req.headers.cookie, SESSION_COOKIE) : undefined);
	const session = await app.accounts.authenticate(token);
	if (!session) return { ok: false, status: 401, reason: 'unauthorized' };
	return { ok: true, session };
}
