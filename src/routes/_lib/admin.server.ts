import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { signInUrl } from './forms.server';

/**
 * The signed-in admin. Someone signed out is sent to sign in; for anyone else the admin pages do not exist (404,
 * as for the moderation console), so they learn nothing about them. Every load and action calls this: a layout's
 * check does not cover form actions.
 */
export function requireAdminPage(event: Pick<RequestEvent, 'locals' | 'url'>) {
	const { user, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	if (user.role !== 'admin') error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return user;
}
