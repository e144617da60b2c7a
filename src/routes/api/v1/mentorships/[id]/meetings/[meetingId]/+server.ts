import { meetingPatch } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import { param } from '../../../params';
import type { RequestHandler } from './$types';

/** The other of the pair accepts or declines a proposed meeting; either cancels one (`{ status }`). */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { status } = await readJson(event, meetingPatch);
	return event.locals.app.matching.decideMeeting({ user: me, id: param(event, 'id'), meetingId: param(event, 'meetingId'), status });
});
