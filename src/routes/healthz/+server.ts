import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** For load balancers: 200 while this process can read its database (and reach Redis when it runs as one of several). */
export const GET: RequestHandler = async ({ locals }) => {
	const { config, database, scale } = locals.app;
	const body = { version: config.version, database: database.kind, scale: scale.mode, node: scale.nodeId };
	try {
		await Promise.all([database.ping(), scale.ping()]);
		return json({ status: 'ok', ...body });
	} catch {
		return json({ status: 'degraded', ...body }, { status: 503 });
	}
};
