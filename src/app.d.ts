import type { IncomingMessage } from 'node:http';
import type { CurrentSession, Me } from '$server/accounts';
import type { Tessera } from '$server/app';
import type { UiLocale } from '$lib/i18n/locales';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			app: Tessera;
			session: CurrentSession | null;
			user: Me | null;
			/** How this request authenticated: bearer tokens are exempt from the cookie CSRF check. */
			authVia: 'cookie' | 'bearer' | null;
			locale: UiLocale;
		}
		interface Platform {
			req: IncomingMessage & { tessera?: Tessera };
		}
	}
}

export {};
