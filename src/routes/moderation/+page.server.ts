import { error } from '@sveltejs/kit';
import { errorMessage } from '$server/i18n';
import { createConsoleView } from '$server/moderation/console';
import { formatDateTime } from '../_lib/options.server';
import type { PageServerLoad } from './$types';

/** Moderators and admins only; for everyone else this page does not exist. */
function requireStaff(event: Parameters<PageServerLoad>[0]) {
	const { user, locale } = event.locals;
	if (!user || (user.role !== 'moderator' && user.role !== 'admin')) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return user;
}

export const load: PageServerLoad = async (event) => {
	const me = requireStaff(event);
	const { app, locale } = event.locals;
	const actor = { id: me.id, role: me.role };
	const readingLanguage = me.profile.readingLanguage;
	const [live, held, open, feedback] = await Promise.all([
		app.live.list({ actor }),
		// Nothing about the moderator themselves: not their own held texts, no report on them.
		app.moderation.queue({ status: 'held', limit: 100, viewerId: me.id }),
		app.reports.list({ status: 'open', limit: 100, viewerId: me.id }),
		app.reports.listFeedback({ limit: 10 })
	]);
	const items = await createConsoleView({ db: app.database.db, logger: app.logger, translator: app.translator }).items({ held, reports: open.reports, readingLanguage, viewerId: me.id });
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone: me.profile.timezone });
	return {
		me: { id: me.id, role: me.role },
		readingLanguage,
		live,
		items: items.map((item) => ({ ...item, when: when(item.createdAt), context: item.context.map((c) => ({ ...c, when: when(c.createdAt) })) })),
		/** The latest anonymous feedback, newest first: no author is stored, so none is shown. */
		feedback: feedback.map((f) => ({ id: f.id, text: f.text, lang: f.lang, createdAt: f.createdAt, when: when(f.createdAt) })),
		/** More than one page waits: the console shows the oldest and says there are more. */
		more: held.length === 100 || open.next !== null
	};
};
