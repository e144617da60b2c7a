import { error } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { creditLine, demoteHeadings, textView } from '../../_lib/exhibitions.server';
import { formatDate } from '../../_lib/options.server';
import type { PageServerLoad } from './$types';

// Plain HTML: no account, no JavaScript needed, and the page is the same for everyone who reads its language.
export const csr = false;

/**
 * One published exhibition in the visitor's language, with only the works that may be shown right now. Never
 * cached: a withdrawn consent takes a work off at the very next request.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const { app, locale } = locals;
	const exhibition = params.slug.length <= 200 ? await app.exhibitions.publicExhibition({ slug: params.slug, locale }) : null;
	if (!exhibition) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const day = (iso: string) => formatDate(iso, { locale, timeZone: 'UTC' });
	return {
		exhibition: {
			slug: exhibition.slug,
			title: textView(exhibition.title, locale),
			introduction: textView(exhibition.introduction, locale),
			opened: day(exhibition.publishedAt),
			works: exhibition.works.map((w) => {
				const title = textView(w.title, locale);
				return {
					id: w.id,
					kind: w.kind,
					title,
					statement: textView(w.statement, locale),
					altText: textView(w.altText, locale),
					credits: creditLine(w.credits, locale),
					made: day(w.madeAt),
					image: w.imageUrl ? `/exhibitions/${encodeURIComponent(exhibition.slug)}/works/${encodeURIComponent(w.id)}.svg` : null,
					// The work's heading is an h3: the document's own headings (h2, h3) go under it.
					html: w.html === null ? null : demoteHeadings(w.html),
					// The document itself is never translated: it reads in the language the work was written in.
					lang: title.original?.lang ?? title.lang,
					dir: title.original?.dir ?? title.dir
				};
			})
		}
	};
};
