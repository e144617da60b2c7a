import { error, fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { createDocumentInput } from '$server/docs/validation';
import { canSendChat } from '$server/chat/policy';
import { canInvite, canWrite } from '$server/spaces/permissions';
import { createInviteInput, spaceId } from '$server/spaces/validation';
import { m } from '$lib/paraglide/messages.js';
import { failFromError, formValues, invalid, signInUrl, type FormState } from '../../_lib/forms.server';
import { countryName, formatDate, formatDateTime, languageOptions } from '../../_lib/options.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The signed-in member and the space id; anyone else is sent to sign in, or sees "not found". */
function context(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const { user, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const id = spaceId.safeParse(event.params.id);
	if (!id.success) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return { user, locale, id: id.data };
}

export const load: PageServerLoad = async (event) => {
	const { user, locale, id } = context(event);
	let space;
	try {
		space = await event.locals.app.spaces.get({ spaceId: id, userId: user.id });
	} catch (e) {
		// Non-members get the same answer as for a space that does not exist.
		if (isAppError(e) && e.status === 404) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
		// Waiting for a guardian, or consent withdrawn: the consent page says what to do.
		if (isAppError(e) && (e.code === 'consent_pending' || e.code === 'consent_withdrawn')) redirect(303, '/consent');
		throw e;
	}
	const documents = await event.locals.app.docs.list({ spaceId: id, userId: user.id });
	const timeZone = user.profile.timezone;
	return {
		space: { id: space.id, title: space.title, kind: space.kind, myRole: space.myRole, archived: space.archived },
		// Names, roles and countries only: members never see each other's birth dates or emails.
		members: space.members.map((mb) => ({
			userId: mb.userId,
			displayName: mb.displayName,
			role: mb.role,
			countryName: countryName(mb.country, locale),
			isMe: mb.userId === user.id
		})),
		documents: documents.map((d) => ({ id: d.id, kind: d.kind, title: d.title, updatedAt: d.updatedAt, updatedText: formatDate(d.updatedAt, { locale, timeZone }) })),
		// Observers read documents; everyone else may start one.
		canCreateDocuments: canWrite(space.myRole),
		canInvite: canInvite(space.myRole),
		// Members invite members; observers are invited only by the people who run or supervise the space.
		canInviteObservers: canInvite(space.myRole, 'observer'),
		inviteDefaultHours: event.locals.app.config.inviteDefaultHours,
		chat: {
			me: user.id,
			timeZone,
			// What this person writes in: their reading language, whatever they choose to read the chat in.
			writingLanguage: user.profile.readingLanguage,
			languages: languageOptions(locale, [user.profile.readingLanguage]).map(({ value, label }) => ({ value, label })),
			// The server's own rule: supervising moderators talk too, observers only read.
			canWrite: canSendChat(space.myRole)
		}
	};
};

export const actions: Actions = {
	invite: async (event) => {
		const { user, locale, id } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = createInviteInput.safeParse({
			role: values.role,
			maxUses: values.uses === 'multi' ? null : 1,
			expiresInHours: values.expiresInHours ? Number(values.expiresInHours) : event.locals.app.config.inviteDefaultHours
		});
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'invite' });
		try {
			const invite = await event.locals.app.spaces.createInvite({ ...parsed.data, spaceId: id, userId: user.id, baseUrl: event.url.origin });
			return {
				form: 'invite',
				ok: true,
				invite: {
					url: invite.url,
					expiresAtText: formatDateTime(invite.expiresAt, { locale, timeZone: user.profile.timezone }),
					multiUse: invite.maxUses === null,
					role: invite.role
				}
			};
		} catch (e) {
			return failFromError(e, { locale, values, form: 'invite' });
		}
	},

	createDocument: async (event) => {
		const { user, locale, id } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = createDocumentInput.safeParse({ title: values.title, kind: values.kind });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'document' });
		let created;
		try {
			created = await event.locals.app.docs.create({ ...parsed.data, spaceId: id, userId: user.id });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'document' });
		}
		redirect(303, `/spaces/${id}/documents/${created.id}`);
	},

	leave: async (event) => {
		const { user, locale, id } = context(event);
		const values = formValues(await event.request.formData());
		if (values.confirm !== 'yes') {
			const state: FormState = { form: 'leave', message: m.space_leave_confirm_error({}, { locale }) };
			return fail(400, state);
		}
		try {
			await event.locals.app.spaces.leave({ spaceId: id, userId: user.id });
		} catch (e) {
			return failFromError(e, { locale, values, form: 'leave' });
		}
		redirect(303, '/spaces');
	}
};
