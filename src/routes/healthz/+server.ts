import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/**
 * For load balancers: 503 when this process cannot read its database. Redis unreachable (with several processes)
 * is reported but still 200: every process would fail at once, and each still serves its own clients (pages,
 * chat within the process, documents already open); they act as one again when Redis is back.
 */
export const GET: RequestHandler = async ({ locals }) => {
	const { config, database, scale } = locals.app;
	const body = { version: config.version, database: database.kind, scale: scale.mode, node: scale.nodeId };
	const redis = scale.mode === 'redis' ? await scale.ping().then(() => 'ok' as const, () => 'unreachable' as const) : undefined;
	try {
		await database.ping();
		return json({ status: redis === 'unreachable' ? 'degraded' : 'ok', ...body, ...(redis ? { redis } : {}) });
	} catch {
		return json({ status: 'degraded', ...body, ...(redis ? { redis } : {}) }, { status: 503 });
	}
};
