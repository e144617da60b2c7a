import { z } from 'zod';
import { roleInput } from '$server/accounts/validation';
import { failFromError, formValues, invalid, type FormState } from '../../_lib/forms.server';
import { countryName, formatDate } from '../../_lib/options.server';
import { accountState } from '../../_lib/account-state';
import { requireAdminPage } from '../../_lib/admin.server';
import type { Actions, PageServerLoad } from './$types';

const roleForm = z.object({ userId: z.uuid({ error: 'not_found' }), role: roleInput });
const suspendForm = z.object({ userId: z.uuid({ error: 'not_found' }), suspended: z.enum(['true', 'false']) });
const vettingForm = z.object({ userId: z.uuid({ error: 'not_found' }), vetted: z.enum(['true', 'false']) });

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { locale } = event.locals;
	const [users, withdrawn, vetted] = await Promise.all([
		event.locals.app.accounts.listUsers(),
		event.locals.app.safeguarding.withdrawnParticipation(),
		event.locals.app.matching.vettedMentors()
	]);
	return {
		users: users.map((u) => ({
			id: u.id,
			email: u.email,
			displayName: u.displayName,
			countryName: countryName(u.country, locale),
			role: u.role,
			status: accountState({ status: u.status, withdrawn: withdrawn.has(u.id) }),
			joined: formatDate(u.createdAt, { locale, timeZone: admin.profile.timezone }),
			// Vetting for work with minors is recorded for mentors only.
			vetted: u.role === 'mentor' ? vetted.has(u.id) : null,
			isMe: u.id === admin.id
		}))
	};
};

export const actions: Actions = {
	role: async (event) => {
		const admin = requireAdminPage(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = roleForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: `role:${values.userId}` });
		try {
			await event.locals.app.accounts.setRole({ actorId: admin.id, ...parsed.data });
		} catch (e) {
			return failFromError(e, { locale, values, form: `role:${values.userId}` });
		}
		const state: FormState = { form: `role:${parsed.data.userId}`, ok: true };
		return state;
	},

	suspend: async (event) => {
		const admin = requireAdminPage(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = suspendForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: `suspend:${values.userId}` });
		const { userId, suspended } = parsed.data;
		try {
			await event.locals.app.accounts.setSuspended({ actorId: admin.id, userId, suspended: suspended === 'true' });
		} catch (e) {
			return failFromError(e, { locale, values, form: `suspend:${userId}` });
		}
		const state: FormState = { form: `suspend:${userId}`, ok: true };
		return state;
	},

	vetting: async (event) => {
		const admin = requireAdminPage(event);
		const { locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = vettingForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: `vetting:${values.userId}` });
		const { userId, vetted } = parsed.data;
		try {
			await event.locals.app.matching.setVetting({ actorId: admin.id, userId, vetted: vetted === 'true' });
		} catch (e) {
			return failFromError(e, { locale, values, form: `vetting:${userId}` });
		}
		const state: FormState = { form: `vetting:${userId}`, ok: true };
		return state;
	}
};
