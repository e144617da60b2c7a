import { profileInput } from '$server/matching/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The caller's matching profile, and the program's goal tags to choose from. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const { matching } = event.locals.app;
	return { profile: await matching.profile(me.id), goals: matching.goals };
});

/** Saves any of availability, goals, capacity (mentors) and preferences; what is left out stays as it is. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const patch = await readJson(event, profileInput);
	return { profile: await event.locals.app.matching.updateProfile({ user: me, patch }) };
});
