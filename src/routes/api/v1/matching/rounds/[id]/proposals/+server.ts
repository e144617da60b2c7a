import { adjustInput } from '$server/matching/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import { param } from '../../../../mentorships/params';
import type { RequestHandler } from './$types';

/**
 * Admins adjust a draft round by hand, all changes or none: `{ changes: [{ menteeId, mentorId | null }] }`. A pair made
 * by hand that breaks a hard constraint is refused (409 `matching_<constraint>`).
 */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const { changes } = await readJson(event, adjustInput);
	return event.locals.app.matching.rounds.adjust({ actorId: admin.id, roundId: param(event, 'id'), changes, locale: event.locals.locale });
});
