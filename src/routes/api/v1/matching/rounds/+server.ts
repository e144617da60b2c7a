import { json } from '@sveltejs/kit';
import { runRoundInput } from '$server/matching/validation';
import { endpoint, requireAdmin } from '$lib/server/api';
import { optionalJson } from '../../moderation/body';
import type { RequestHandler } from './$types';

/** Admins: every matching round of the program, newest first. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { rounds: await event.locals.app.matching.rounds.list() };
});

/** Admins run a round (optionally with other settings): a draft with proposals and the unmatched, for review. 201. */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const { settings } = await optionalJson(event, runRoundInput);
	const round = await event.locals.app.matching.rounds.run({ actorId: admin.id, settings, locale: event.locals.locale });
	return json(round, { status: 201 });
});
