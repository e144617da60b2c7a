import { notFound } from '$server/errors';
import { workConsentInput, workId } from '$server/exhibitions/validation';
import { endpoint, readJson, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** The caller's answer about one work: `{ decision: 'granted' | 'declined' | 'withdrawn', credit, showCountry }`. */
export const PUT: RequestHandler = endpoint(async (event) => {
	const user = requireUser(event);
	const id = workId.safeParse(event.params.id);
	if (!id.success) throw notFound();
	const input = await readJson(event, workConsentInput);
	await event.locals.app.exhibitions.decide({ user, workId: id.data, input });
	return (await event.locals.app.exhibitions.myRequests({ user, locale: event.locals.locale })).find((r) => r.work.id === id.data) ?? null;
});
