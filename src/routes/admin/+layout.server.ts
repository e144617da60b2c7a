import { requireAdminPage } from '../_lib/admin.server';
import type { LayoutServerLoad } from './$types';

/** Only admins see the admin section (its pages and actions check again for themselves). */
export const load: LayoutServerLoad = (event) => {
	requireAdminPage(event);
	return {};
};
