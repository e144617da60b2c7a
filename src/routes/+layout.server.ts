import type { LayoutServerLoad } from './$types';

/** Only what the header needs about the signed-in person: never their email, birth date or anything private. */
export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.user ? { id: locals.user.id, displayName: locals.user.profile.displayName, role: locals.user.role } : null,
	locale: locals.locale
});
