import { endpoint, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Admins: mail not sent yet (all of it, when no SMTP_URL is set), for them to pass on by hand. */
export const GET: RequestHandler = endpoint(async (event) => {
	requireAdmin(event);
	return { smtp: Boolean(event.locals.app.config.smtpUrl), mail: await event.locals.app.safeguarding.outbox.unsent() };
});
