import { z } from 'zod';
import { roleInput } from '$server/accounts/validation';
import { AppError } from '$server/errors';
import { endpoint, readJson, requireAdmin } from '$lib/server/api';
import type { RequestHandler } from './$types';

const patch = z.object({ role: roleInput.optional(), suspended: z.boolean({ error: 'invalid_value' }).optional() });

/** Admins change a role or suspend an account (which ends its sessions and sockets at once). */
export const PATCH: RequestHandler = endpoint(async (event) => {
	const admin = requireAdmin(event);
	const userId = z.uuid().safeParse(event.params.id);
	if (!userId.success) throw new AppError(404, 'not_found');
	const { role, suspended } = await readJson(event, patch);
	const { accounts } = event.locals.app;
	if (role) await accounts.setRole({ actorId: admin.id, userId: userId.data, role });
	if (suspended !== undefined) await accounts.setSuspended({ actorId: admin.id, userId: userId.data, suspended });
	const user = (await accounts.listUsers()).find((u) => u.id === userId.data);
	return { user };
});
