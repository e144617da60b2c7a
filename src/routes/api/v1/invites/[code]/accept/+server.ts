import { inviteCode } from '$server/spaces/validation';
import { notFound } from '$server/errors';
import { endpoint, requireUser } from '$lib/server/api';
import type { RequestHandler } from './$types';

/** Joins the invite's space and returns it. Expired or used-up links answer 410. */
export const POST: RequestHandler = endpoint(async (event) => {
	const me = requireUser(event);
	const code = inviteCode.safeParse(event.params.code);
	if (!code.success) throw notFound();
	return event.locals.app.spaces.acceptInvite({ code: code.data, userId: me.id });
});
