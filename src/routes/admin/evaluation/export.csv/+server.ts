import { error } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { sectionsCsv } from '$lib/evaluation/csv';
import { dashboardSections } from '$lib/evaluation/tables';
import { requireAdminPage } from '../../../_lib/admin.server';
import { readFilter } from '../../../_lib/evaluation.server';
import type { RequestHandler } from './$types';

/**
 * Every chart's data for the filter in the address as one CSV (`?chart=<id>` for one chart), with the dashboard's
 * suppression: withheld figures read "fewer than 5" in the reader's language. Quiet pairs (names) are never in it.
 */
export const GET: RequestHandler = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const { filter, message } = readFilter(event, admin.profile.timezone);
	if (message) error(400, { message, code: 'invalid_input' });
	const dashboard = await app.evaluation.dashboard({ filter, locale: event.locals.locale });
	const chart = event.url.searchParams.get('chart');
	const sections = dashboardSections(dashboard, locale).filter((s) => !chart || s.id === chart);
	if (sections.length === 0) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	const day = new Date().toISOString().slice(0, 10);
	const name = chart ? `tessera-evaluation-${chart.replace(/[^a-z0-9-]/gi, '').slice(0, 40)}-${day}.csv` : `tessera-evaluation-${day}.csv`;
	return new Response(sectionsCsv(sections, locale), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
};
