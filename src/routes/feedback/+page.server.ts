import { redirect } from '@sveltejs/kit';
import { signInUrl } from '../_lib/forms.server';
import type { PageServerLoad } from './$types';

/** Signed-in people only (the API limits how often one session may send); nothing about them is stored with it. */
export const load: PageServerLoad = (event) => {
	if (!event.locals.user) redirect(303, signInUrl(event));
	return {};
};
