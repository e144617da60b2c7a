import { z } from 'zod';
import { roleInput } from '$server/accounts/validation';
import { AppError } from '$server/errors';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

const patch = z.object({ role: roleInput.optional(), suspended: z.boolean({ error: 'invalid_value' }).optional() });

/** Admins change a role and/or suspend an account, all or nothing (suspension ends its sessions and sockets at once). */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const userId = z.uuid().safeParse(event.params.id);
	if (!userId.success) throw new AppError(404, 'not_found');
	const { role, suspended } = await readJson(event, patch);
	const user = await event.locals.app.accounts.updateUser({ actorId: admin.id, userId: userId.data, role, suspended });
	return { user };
});
