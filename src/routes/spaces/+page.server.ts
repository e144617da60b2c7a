import { redirect } from '@sveltejs/kit';
import { createSpaceInput } from '$server/spaces/validation';
import { failFromError, formValues, invalid, signInUrl } from '../_lib/forms.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { user, app } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	// Waiting for a guardian, or consent withdrawn: the consent page says so and what to do.
	if ((await app.safeguarding.participation(user.id)) !== 'ok') redirect(303, '/consent');
	return { spaces: await app.spaces.listForUser(user.id) };
};

export const actions: Actions = {
	create: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		const values = formValues(await event.request.formData());
		const parsed = createSpaceInput.safeParse({ title: values.title, kind: values.kind });
		if (!parsed.success) return invalid(parsed.error, { locale, values });
		let spaceId: string;
		try {
			spaceId = (await app.spaces.create({ userId: user.id, ...parsed.data })).id;
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		redirect(303, `/spaces/${spaceId}`);
	}
};
