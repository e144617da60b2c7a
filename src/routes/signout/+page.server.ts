import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
		const { session } = event.locals;
		if (session) await event.locals.app.accounts.signOut(session.id);
		clearSessionCookie(event);
		redirect(303, '/');
	}
};
