import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { errorMessage } from '$server/i18n';
import type { RequestHandler } from './$types';

/**
 * A canvas their child helped make, for a guardian deciding whether it may be shown: only through a working standing
 * link, only a work of their child's. Served as an image that can run nothing, never cached (the link is in the path).
 */
export const GET: RequestHandler = async ({ params, locals }) => {
	const preview = z.uuid().safeParse(params.workId).success ? await locals.app.exhibitions.guardianPreview({ token: params.token, workId: params.workId }) : null;
	if (preview?.kind !== 'canvas') error(404, { message: errorMessage('not_found', locals.locale), code: 'not_found' });
	return new Response(preview.svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'no-store',
			'referrer-policy': 'no-referrer',
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
		}
	});
};
