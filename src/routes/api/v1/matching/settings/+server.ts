import { programSettingsInput } from '$server/matching/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: the program's matching settings in force (the engine's defaults with the program's changes). */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return event.locals.app.matching.settings.get();
});

/** Admins change the program's matching settings (any of them; weights one by one). Audited; returns them all. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const patch = await readJson(event, programSettingsInput);
	return event.locals.app.matching.settings.update({ actorId: admin.id, patch });
});
