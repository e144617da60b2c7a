import type { PageServerLoad } from './$types';

/**
 * For a signed-in participant: the surveys waiting for them (title and where to answer), and how many works wait for
 * their consent, for the notices at the top.
 */
export const load: PageServerLoad = async ({ locals }) => {
	const { user, app, locale } = locals;
	if (!user || (user.role !== 'mentee' && user.role !== 'mentor')) return { surveys: [], worksWaiting: 0 };
	const [pending, requests] = await Promise.all([app.surveys.pending({ userId: user.id, locale }), app.exhibitions.myRequests({ user, locale })]);
	const worksWaiting = requests.filter((r) => r.decision === 'pending' && (r.work.status === 'pending' || r.work.status === 'approved')).length;
	return { surveys: pending.map((s) => ({ pointId: s.pointId, title: s.title })), worksWaiting };
};
