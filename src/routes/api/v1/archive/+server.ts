import { archiveQuery } from '$server/exhibitions/validation';
import { endpoint, requireUser } from '$lib/server/api';
import { invalidInput } from '$lib/server/errors';
import type { RequestHandler } from './$types';

/** Members: the program's finished works, `?q=&lang=&kind=&from=&to=`, newest first. */
export const GET: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const query = archiveQuery.safeParse(Object.fromEntries([...event.url.searchParams].filter(([, v]) => v !== '')));
	if (!query.success) throw invalidInput(query.error);
	return { works: await event.locals.app.exhibitions.archive({ user, query: query.data, locale: event.locals.locale }) };
});
