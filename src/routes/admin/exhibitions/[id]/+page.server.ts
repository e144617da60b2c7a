import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { requireAdminPage } from '../../../_lib/admin.server';
import { failFromError, formValues, invalid, type FormState } from '../../../_lib/forms.server';
import { formatDate, formatDateTime, languageOptions } from '../../../_lib/options.server';
import { exhibitionForm, languageName, workRef } from '../../../_lib/works.server';
import type { Actions, PageServerLoad } from './$types';

/** What the work buttons hand back: which work, and where it is now. */
export interface WorkState extends FormState {
	work?: string;
	title?: string;
	position?: number;
}

function context(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const admin = requireAdminPage(event);
	const id = workRef.safeParse(event.params.id);
	if (!id.success) error(404, { message: errorMessage('not_found', event.locals.locale), code: 'not_found' });
	return { admin, id: id.data, app: event.locals.app, locale: event.locals.locale };
}

/** One exhibition: its texts, its works in order (with any whose consent was withdrawn), and the approved works to add. */
export const load: PageServerLoad = async (event) => {
	const { admin, id, app, locale } = context(event);
	let x, candidates;
	try {
		[x, candidates] = await Promise.all([app.exhibitions.exhibition({ user: admin, id }), app.exhibitions.candidates({ user: admin, locale: event.locals.locale })]);
	} catch (e) {
		if (isAppError(e) && e.status === 404) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
		throw e;
	}
	const timeZone = admin.profile.timezone;
	const inside = new Set(x.works.map((w) => w.id));
	return {
		created: event.url.searchParams.has('created'),
		exhibition: {
			id: x.id,
			slug: x.slug,
			title: x.title,
			introduction: x.introduction,
			lang: x.lang,
			status: x.status,
			published: x.publishedAt ? formatDateTime(x.publishedAt, { locale, timeZone }) : null,
			publicUrl: `${event.url.origin}/exhibitions/${encodeURIComponent(x.slug)}`,
			works: x.works.map((w) => ({ ...w, withdrawnText: w.withdrawnAt ? formatDate(w.withdrawnAt, { locale, timeZone }) : null }))
		},
		candidates: candidates
			.filter((w) => !inside.has(w.id))
			.map((w) => ({ id: w.id, title: w.title, kind: w.kind, lang: w.lang, langName: languageName(w.lang, locale), statement: w.statement, public: w.public, credits: w.contributors.length })),
		languages: languageOptions(locale, [x.lang])
	};
};

/** Saves the works in a new order; refusals come back about the work the button was for. */
async function saveWorks(event: RequestEvent, change: (ids: string[], work: string) => string[] | null, form: string) {
	const { admin, id, app, locale } = context(event);
	const values = formValues(await event.request.formData());
	const work = workRef.safeParse(values.work);
	if (!work.success) return invalid(work.error, { locale, values: {}, form });
	try {
		const current = (await app.exhibitions.exhibition({ user: admin, id })).works.map((w) => w.id);
		const next = change(current, work.data);
		if (!next) return fail(409, { form, work: work.data, message: errorMessage('not_found', locale) } satisfies WorkState);
		await app.exhibitions.setExhibitionWorks({ user: admin, id, workIds: next });
		return { form, ok: true, work: work.data, title: values.title ?? '', position: next.indexOf(work.data) + 1 } satisfies WorkState;
	} catch (e) {
		return failFromError(e, { locale, values: { work: work.data }, form });
	}
}

function move(ids: string[], work: string, by: -1 | 1): string[] | null {
	const from = ids.indexOf(work);
	const to = from + by;
	if (from < 0 || to < 0 || to >= ids.length) return null;
	const next = [...ids];
	[next[from], next[to]] = [next[to]!, next[from]!];
	return next;
}

async function setPublished(event: RequestEvent, published: boolean) {
	const { admin, id, app, locale } = context(event);
	try {
		await app.exhibitions.setPublished({ user: admin, id, published });
	} catch (e) {
		return failFromError(e, { locale, values: {}, form: 'publish' });
	}
	return { form: 'publish', ok: true, published };
}

export const actions: Actions = {
	update: async (event) => {
		const { admin, id, app, locale } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = exhibitionForm(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'update' });
		try {
			await app.exhibitions.updateExhibition({ user: admin, id, input: parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'update' });
		}
		return { form: 'update', ok: true };
	},
	add: (event) => saveWorks(event, (ids, work) => (ids.includes(work) ? null : [...ids, work]), 'add'),
	remove: (event) => saveWorks(event, (ids, work) => (ids.includes(work) ? ids.filter((w) => w !== work) : null), 'remove'),
	up: (event) => saveWorks(event, (ids, work) => move(ids, work, -1), 'up'),
	down: (event) => saveWorks(event, (ids, work) => move(ids, work, 1), 'down'),
	publish: (event) => setPublished(event, true),
	unpublish: (event) => setPublished(event, false)
};
