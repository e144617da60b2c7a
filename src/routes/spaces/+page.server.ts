import { fail, redirect } from '@sveltejs/kit';
import { createSpaceInput } from '$server/spaces/validation';
import { m } from '$lib/paraglide/messages.js';
import { failFromError, formValues, invalid, signInUrl, type FormState } from '../_lib/forms.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** Whether this person must name a supervisor for a space they create (a minor, under a policy that asks for one). */
async function supervisorRule(event: Pick<RequestEvent, 'locals'>, userId: string) {
	const { app } = event.locals;
	const policy = await app.safeguarding.policy();
	const required = policy.supervisedSpacesForMinors && (await app.safeguarding.isMinor(userId));
	return { required, minorAge: policy.minorAge };
}

export const load: PageServerLoad = async (event) => {
	const { user, app } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	// Waiting for a guardian, or consent withdrawn: the consent page says so and what to do.
	if ((await app.safeguarding.participation(user.id)) !== 'ok') redirect(303, '/consent');
	const [spaces, staff, rule] = await Promise.all([app.spaces.listForUser(user.id), app.accounts.listStaff(), supervisorRule(event, user.id)]);
	return {
		spaces,
		// Names and roles only; a moderator creating a space cannot supervise it themselves.
		supervisors: staff.filter((s) => s.id !== user.id).map((s) => ({ id: s.id, displayName: s.displayName, role: s.role })),
		supervisorRequired: rule.required,
		minorAge: rule.minorAge
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { user, app, locale } = event.locals;
		if (!user) redirect(303, signInUrl(event));
		const values = formValues(await event.request.formData());
		const parsed = createSpaceInput.safeParse({ title: values.title, kind: values.kind, supervisorId: values.supervisorId || undefined });
		if (!parsed.success) return invalid(parsed.error, { locale, values });
		const rule = await supervisorRule(event, user.id);
		if (rule.required && !parsed.data.supervisorId) {
			// Said before anything is created, in words that point at the picker.
			const state: FormState = {
				message: m.error_invalid_input({}, { locale }),
				errors: { supervisorId: m.space_supervisor_missing({ age: rule.minorAge }, { locale }) },
				values
			};
			return fail(400, state);
		}
		let spaceId: string;
		try {
			spaceId = (await app.spaces.create({ userId: user.id, ...parsed.data })).id;
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		redirect(303, `/spaces/${spaceId}`);
	}
};
