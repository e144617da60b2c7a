import { z } from 'zod';
import { notFound } from '$server/errors';
import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: an unsent mail was passed on by hand; it leaves the outbox, its link is blanked, and the audit log says who. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireAdmin(event);
	const id = z.uuid().safeParse(event.params.id);
	if (!id.success) throw notFound();
	await event.locals.app.safeguarding.outbox.markPassedOn({ id: id.data, actorId: me.id });
	return { ok: true };
});
