import { redirect } from '@sveltejs/kit';
import { requireAdminPage } from '../../_lib/admin.server';
import { failFromError, formValues, invalid } from '../../_lib/forms.server';
import { formatDate, languageOptions } from '../../_lib/options.server';
import { exhibitionForm } from '../../_lib/works.server';
import type { Actions, PageServerLoad } from './$types';

/** Program leads: every exhibition (draft or published) and a form to start a new one. */
export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const list = await app.exhibitions.exhibitions({ user: admin });
	return {
		exhibitions: list.map((x) => ({
			id: x.id,
			slug: x.slug,
			title: x.title,
			lang: x.lang,
			status: x.status,
			works: x.works.length,
			shown: x.works.filter((w) => w.public).length,
			published: x.publishedAt ? formatDate(x.publishedAt, { locale, timeZone: admin.profile.timezone }) : null
		})),
		languages: languageOptions(locale, [admin.profile.readingLanguage]),
		myLanguage: admin.profile.readingLanguage
	};
};

export const actions: Actions = {
	/** A new draft; the lead goes straight on to choose its works. */
	create: async (event) => {
		const admin = requireAdminPage(event);
		const { app, locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = exhibitionForm(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'create' });
		let id: string;
		try {
			id = (await app.exhibitions.createExhibition({ user: admin, input: parsed.data })).id;
		} catch (e) {
			return failFromError(e, { locale, values, form: 'create' });
		}
		redirect(303, `/admin/exhibitions/${id}?created=1`);
	}
};
