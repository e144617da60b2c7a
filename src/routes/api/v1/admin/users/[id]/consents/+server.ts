import { z } from 'zod';
import { notFound } from '$server/errors';
import { guardianGrantInput } from '$server/safeguarding/validation';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

/**
 * Admins: gives a minor's purpose back at their guardian's written request (`reason` names it), recorded as the
 * guardian's grant with the admin in the audit log. Answers the ledger's current state.
 */
export const POST: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const userId = z.uuid().safeParse(event.params.id);
	if (!userId.success) throw notFound();
	const { purpose, reason } = await readJson(event, guardianGrantInput);
	const ledger = await event.locals.app.safeguarding.grantOnGuardianRequest({ actorId: admin.id, userId: userId.data, purpose, reason });
	return { current: ledger.current };
});
