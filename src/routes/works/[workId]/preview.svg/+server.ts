import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import type { RequestHandler } from './$types';

/**
 * A proposed canvas as it will be shown (its version, not the canvas as it is now), for the people who decide about
 * it: members of its space, its contributors, moderators and admins. Anyone else: not found.
 */
export const GET: RequestHandler = async ({ params, locals }) => {
	const notFound = () => error(404, { message: errorMessage('not_found', locals.locale), code: 'not_found' });
	if (!locals.user || !z.uuid().safeParse(params.workId).success) notFound();
	let preview;
	try {
		preview = await locals.app.exhibitions.preview({ user: locals.user!, workId: params.workId });
	} catch (e) {
		if (isAppError(e) && e.status === 404) notFound();
		throw e;
	}
	if (preview.kind !== 'canvas') notFound();
	return new Response(preview.kind === 'canvas' ? preview.svg : '', {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, no-store',
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
		}
	});
};
