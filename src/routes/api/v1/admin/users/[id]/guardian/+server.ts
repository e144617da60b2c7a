import { z } from 'zod';
import { notFound } from '$server/errors';
import { replaceGuardianInput } from '$server/safeguarding/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/**
 * Admins: another parent or guardian decides for this child from now on (once they confirm through the link they
 * are mailed). The guardian set aside is told by mail; the audit log keeps the admin and `reason`. 202.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const userId = z.uuid().safeParse(event.params.id);
	if (!userId.success) throw notFound();
	const input = await readJson(event, replaceGuardianInput);
	await event.locals.app.safeguarding.replaceGuardian({ actorId: admin.id, userId: userId.data, ...input, baseUrl: event.url.origin, locale: event.locals.locale });
	return new Response(null, { status: 202 });
});
