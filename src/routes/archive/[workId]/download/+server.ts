import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { errorMessage } from '$server/i18n';
import { attachment, refuse } from '../../../_lib/exhibitions.server';
import { signInUrl } from '../../../_lib/forms.server';
import type { RequestHandler } from './$types';

const FORMATS = ['pdf', 'svg', 'png'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (s: string | null): s is Format => (FORMATS as readonly (string | null)[]).includes(s);

/** A finished work of the archive as a file (`?format=pdf|svg|png`), for signed-in members; never cached. */
export const GET: RequestHandler = async (event) => {
	const { user, app, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const format = event.url.searchParams.get('format');
	if (!z.uuid().safeParse(event.params.workId).success) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	if (!isFormat(format)) error(400, { message: errorMessage('invalid_input', locale), code: 'invalid_input' });
	let file: Awaited<ReturnType<typeof app.exhibitions.download>>;
	try {
		file = await app.exhibitions.download({ user, workId: event.params.workId, format, locale });
	} catch (e) {
		refuse(e, locale);
	}
	return new Response(file.body as BodyInit, {
		headers: {
			'content-type': file.type,
			'content-disposition': attachment(file.filename),
			'cache-control': 'no-store',
			'x-content-type-options': 'nosniff',
			// Opened rather than saved, an SVG still runs nothing.
			'content-security-policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
		}
	});
};
