import { formatDate } from '../_lib/options.server';
import { textView } from '../_lib/exhibitions.server';
import type { PageServerLoad } from './$types';

// Plain HTML: no account, no JavaScript needed.
export const csr = false;

/** The published exhibitions, newest first as the service orders them; nothing cached (a lead may close one at any time). */
export const load: PageServerLoad = async ({ locals, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const { app, locale } = locals;
	const list = await app.exhibitions.publicExhibitions({ locale });
	return {
		exhibitions: list.map((e) => ({
			slug: e.slug,
			title: textView(e.title, locale),
			// No visitor time zone: a calendar day in UTC is near enough.
			opened: formatDate(e.publishedAt, { locale, timeZone: 'UTC' }),
			works: new Intl.NumberFormat(locale).format(e.works)
		}))
	};
};
