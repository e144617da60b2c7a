import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
	const { config, database } = locals.app;
	try {
		await database.ping();
		return json({ status: 'ok', version: config.version, database: database.kind });
	} catch {
		return json({ status: 'degraded', version: config.version, database: database.kind }, { status: 503 });
	}
};
