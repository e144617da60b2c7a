import { vettingInput } from '$server/matching/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import { param } from '../../../../mentorships/params';
import type { RequestHandler } from './$types';

/** Admins record (`vetted: true`) or withdraw a mentor's vetting for work with minors; audited. Withdrawing ends the mentor's proposals to minors. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const userId = param(event, 'id');
	const { vetted } = await readJson(event, vettingInput);
	const { endedProposals, minorsLeftActive, ...profile } = await event.locals.app.matching.setVetting({ actorId: admin.id, userId, vetted });
	return { profile, endedProposals, minorsLeftActive };
});
