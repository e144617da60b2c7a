import { json, type Handle, type HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { defineCustomServerStrategy } from '$lib/paraglide/runtime';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { isUiLocale, textDirection, type UiLocale } from '$lib/i18n/locales';
import { getDevApp } from '$server/dev-app';
import { errorBody, errorMessage } from '$server/i18n';
import { bearerToken } from '$server/realtime/auth';
import { isAllowedOrigin } from '$server/realtime/origin';
import { clearSessionCookie, SESSION_COOKIE } from '$lib/server/session-cookie';

// The signed-in person's profile language, handed from `services` to paraglide's strategy chain.
const profileLocale = new WeakMap<Request, string>();
defineCustomServerStrategy('custom-profile', {
	getLocale: (request) => (request ? profileLocale.get(request) : undefined)
});

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Attaches this server's services and the current session (cookie or bearer token). */
const services: Handle = async ({ event, resolve }) => {
	const app = event.platform?.req?.tessera ?? getDevApp();
	if (!app) return new Response('Tessera is starting, try again in a moment.', { status: 503, headers: { 'retry-after': '2' } });
	event.locals.app = app;

	const bearer = bearerToken(event.request.headers.get('authorization') ?? undefined);
	const cookie = event.cookies.get(SESSION_COOKIE);
	const session = await app.accounts.authenticate(bearer ?? cookie);
	event.locals.session = session;
	event.locals.user = session?.user ?? null;
	event.locals.authVia = session ? (bearer ? 'bearer' : 'cookie') : null;
	if (!session && cookie && !bearer) clearSessionCookie(event);
	if (session?.user.profile.uiLanguage) profileLocale.set(event.request, session.user.profile.uiLanguage);
	const response = await resolve(event);
	// With several processes: what this request changed is known to the others before it is answered.
	if (MUTATING.has(event.request.method)) await app.scale.bus.settled();
	return response;
};

/** UI language for this request (profile → chosen → browser → English), with lang and dir on <html>. */
const i18n: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		const ui: UiLocale = isUiLocale(locale) ? locale : 'en';
		event.locals.locale = ui;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%lang%', ui).replace('%dir%', textDirection(ui))
		});
	});

/**
 * SvelteKit guards form posts against CSRF; JSON endpoints authenticated by cookie get the same guard here:
 * a state-changing request must come from an allowed origin. Bearer-token clients are exempt (no ambient credential).
 */
const csrf: Handle = async ({ event, resolve }) => {
	if (MUTATING.has(event.request.method) && event.url.pathname.startsWith('/api/') && event.locals.authVia !== 'bearer') {
		const origin = event.request.headers.get('origin');
		const { config } = event.locals.app;
		const ok =
			origin !== null &&
			(origin === event.url.origin ||
				isAllowedOrigin({ origin, host: event.url.host, configuredOrigin: config.origin, allowedOrigins: config.allowedOrigins }));
		// Without a session there is no ambient credential to abuse, unless a browser says it is cross-site.
		const anonymous = event.locals.authVia === null && (origin === null || ok);
		if (!ok && !anonymous) return json({ error: errorBody('csrf', event.locals.locale) }, { status: 403 });
	}
	return resolve(event);
};

/** SvelteKit answers an unsupported method with plain text; API clients get the usual JSON error instead. */
const apiMethodNotAllowed: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (response.status !== 405 || !event.url.pathname.startsWith('/api/')) return response;
	if (response.headers.get('content-type')?.includes('application/json')) return response;
	return json({ error: errorBody('method_not_allowed', event.locals.locale) }, { status: 405, headers: { allow: response.headers.get('allow') ?? '' } });
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	h.set('x-content-type-options', 'nosniff');
	h.set('referrer-policy', 'strict-origin-when-cross-origin');
	h.set('cross-origin-opener-policy', 'same-origin');
	h.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
	if (event.url.protocol === 'https:') h.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	if (event.locals.user && !h.has('cache-control')) h.set('cache-control', 'private, no-store');
	return response;
};

export const handle = sequence(services, i18n, csrf, securityHeaders, apiMethodNotAllowed);

export const handleError: HandleServerError = ({ error, event, status }) => {
	const locale = event.locals.locale ?? 'en';
	if (status === 404) return { message: errorMessage('not_found', locale), code: 'not_found' };
	event.locals.app?.logger.error({ err: error, path: event.url.pathname }, 'unhandled error');
	return { message: errorMessage('internal', locale), code: 'internal' };
};
