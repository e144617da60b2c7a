import type { PageServerLoad } from './$types';

/** For a signed-in participant: the surveys waiting for them (title and where to answer), for the notice at the top. */
export const load: PageServerLoad = async ({ locals }) => {
	const { user, app, locale } = locals;
	if (!user || (user.role !== 'mentee' && user.role !== 'mentor')) return { surveys: [] };
	const pending = await app.surveys.pending({ userId: user.id, locale });
	return { surveys: pending.map((s) => ({ pointId: s.pointId, title: s.title })) };
};
