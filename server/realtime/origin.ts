/**
 * The Origin allow-list applied to every WebSocket upgrade and Socket.IO handshake.
 * A browser always sends Origin; it must be the configured ORIGIN, one of ALLOWED_ORIGINS, or — when no
 * ORIGIN is configured — the very host the request was sent to (same-origin).
 */
export function isAllowedOrigin({
	origin,
	host,
	configuredOrigin,
	allowedOrigins
}: {
	origin: string;
	host: string | undefined;
	configuredOrigin: string | undefined;
	allowedOrigins: readonly string[];
}): boolean {
	let parsed: URL;
	try {
		parsed = new URL(origin);
	} catch {
		return false;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
	if (allowedOrigins.includes(parsed.origin)) return true;
	if (configuredOrigin) return parsed.origin === configuredOrigin;
	return host !== undefined && parsed.host === host.toLowerCase();
}
