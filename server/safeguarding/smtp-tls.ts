/**
 * How a mail URL protects the connection: `implicit` (smtps://), `starttls` (smtp://, the default: the server must
 * offer STARTTLS or nothing is sent), `opportunistic` (smtp:// to a loopback host: STARTTLS when offered, a local
 * relay otherwise) or `off` (`?tls=off`: the URL's owner chose plain text).
 */
export type SmtpTls = 'implicit' | 'starttls' | 'opportunistic' | 'off';

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/**
 * The TLS a mail URL asks for, or an error code for a URL that contradicts itself. `?tls=required` insists on
 * STARTTLS even on a loopback host; `?tls=off` is refused on smtps://, which is TLS by definition.
 */
export function smtpTls(url: URL): SmtpTls | 'tls_invalid' {
	const tls = url.searchParams.get('tls');
	if (tls !== null && tls !== 'off' && tls !== 'required') return 'tls_invalid';
	if (url.protocol === 'smtps:') return tls === 'off' ? 'tls_invalid' : 'implicit';
	if (tls === 'off') return 'off';
	if (tls === 'required') return 'starttls';
	return LOOPBACK.test(url.hostname) ? 'opportunistic' : 'starttls';
}
