import type { RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$server/realtime/auth';

export { SESSION_COOKIE };

/**
 * HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS. A browser-session cookie (no Expires):
 * closing the browser on a shared school computer signs the person out; the server's idle and absolute
 * limits apply either way.
 */
export function setSessionCookie(event: RequestEvent, token: string): void {
	event.cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:'
	});
}

export function clearSessionCookie(event: RequestEvent): void {
	event.cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: event.url.protocol === 'https:' });
}

export const LOCALE_COOKIE = 'PARAGLIDE_LOCALE';

export function setLocaleCookie(event: RequestEvent, locale: string): void {
	event.cookies.set(LOCALE_COOKIE, locale, {
		path: '/',
		httpOnly: false,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: 60 * 60 * 24 * 400
	});
}
