import { error } from '@sveltejs/kit';
import { z } from 'zod';
import { errorMessage } from '$server/i18n';
import type { RequestHandler } from './$types';

/**
 * A canvas work's SVG snapshot, only while it is visible in that published exhibition. The SVG may hold text its
 * makers wrote, so it is served as an image that can run nothing: no scripts, no fetches, nothing but inline
 * styles and embedded (data:) images, and never cached.
 */
export const GET: RequestHandler = async ({ params, locals }) => {
	const svg = params.slug.length <= 200 && z.uuid().safeParse(params.workId).success ? await locals.app.exhibitions.publicWorkSvg({ slug: params.slug, workId: params.workId }) : null;
	if (svg === null) error(404, { message: errorMessage('not_found', locals.locale), code: 'not_found' });
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
		}
	});
};
