import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Everything Tessera holds about the caller, as a JSON file to keep. */
export const GET: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const data = await event.locals.app.privacy.exportData(me.id);
	return new Response(JSON.stringify(data, null, 2), {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="tessera-data-${data.exportedAt.slice(0, 10)}.json"`,
			'cache-control': 'no-store'
		}
	});
});
