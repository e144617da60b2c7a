import { error, redirect } from '@sveltejs/kit';
import { documentId, saveVersionInput } from '$server/docs/validation';
import { isAppError } from '$server/errors';
import { errorMessage } from '$server/i18n';
import { spaceId } from '$server/spaces/validation';
import { failFromError, formValues, invalid, signInUrl } from '../../../../_lib/forms.server';
import { formatDateTime, languageOptions } from '../../../../_lib/options.server';
import { proposeForm, workRef, workRow } from '../../../../_lib/works.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The signed-in person and the ids from the address; anyone else is sent to sign in, or sees "not found". */
function context(event: RequestEvent | Parameters<PageServerLoad>[0]) {
	const { user, locale } = event.locals;
	if (!user) redirect(303, signInUrl(event));
	const space = spaceId.safeParse(event.params.id);
	const doc = documentId.safeParse(event.params.docId);
	if (!space.success || !doc.success) error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	return { user, locale, spaceId: space.data, documentId: doc.data };
}

export const load: PageServerLoad = async (event) => {
	const { user, locale, spaceId, documentId } = context(event);
	const notFound = () => error(404, { message: errorMessage('not_found', locale), code: 'not_found' });
	let detail, versions;
	try {
		[detail, versions] = await Promise.all([
			event.locals.app.docs.get({ documentId, userId: user.id }),
			event.locals.app.docs.listVersions({ documentId, userId: user.id })
		]);
	} catch (e) {
		// Non-members get the same answer as for a document that does not exist.
		if (isAppError(e) && e.status === 404) notFound();
		throw e;
	}
	// A document lives in one space; under another space's address it does not exist.
	if (detail.spaceId !== spaceId) notFound();
	const when = (iso: string) => formatDateTime(iso, { locale, timeZone: user.profile.timezone });
	// Owners and members propose works; observers and supervisors only read.
	const canPropose = detail.myRole === 'owner' || detail.myRole === 'member';
	const works = canPropose ? await event.locals.app.exhibitions.worksOfDocument({ user, documentId, locale: event.locals.locale }) : [];
	return {
		me: { id: user.id, name: user.profile.displayName },
		document: {
			id: detail.id,
			spaceId: detail.spaceId,
			spaceTitle: detail.spaceTitle,
			kind: detail.kind,
			title: detail.title,
			myRole: detail.myRole,
			canWrite: detail.canWrite
		},
		contributors: detail.contributors.map((c) => ({ ...c, lastEditText: when(c.lastEditAt) })),
		versions: versions.map((v) => ({
			id: v.id,
			name: v.name,
			auto: v.auto,
			createdAt: v.createdAt,
			createdText: when(v.createdAt),
			createdBy: v.createdBy?.displayName ?? null
		})),
		exhibitions: canPropose
			? {
					works: works.map((w) => workRow(w, { locale, timeZone: user.profile.timezone })),
					languages: languageOptions(locale, [user.profile.readingLanguage]),
					myLanguage: user.profile.readingLanguage
				}
			: null
	};
};

export const actions: Actions = {
	/** "Save version" with a name someone typed. */
	saveVersion: async (event) => {
		const { user, locale, documentId } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = saveVersionInput.safeParse({ name: values.name });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'version' });
		try {
			const version = await event.locals.app.docs.saveVersion({ documentId, userId: user.id, name: parsed.data.name });
			return { form: 'version', ok: true, savedName: version.name };
		} catch (e) {
			return failFromError(e, { locale, values, form: 'version' });
		}
	},

	/** The automatic version saved just before a restore (called by the page's script), so nothing is lost. */
	autoVersion: async (event) => {
		const { user, locale, documentId } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = saveVersionInput.safeParse({ name: values.name });
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'auto' });
		try {
			const version = await event.locals.app.docs.saveVersion({ documentId, userId: user.id, name: parsed.data.name, auto: true });
			return { form: 'auto', ok: true, versionId: version.id };
		} catch (e) {
			return failFromError(e, { locale, values, form: 'auto' });
		}
	},

	/** Proposes the document (a saved version, or as it is now) for exhibitions; its contributors are asked. */
	propose: async (event) => {
		const { user, locale, documentId } = context(event);
		const values = formValues(await event.request.formData());
		const parsed = proposeForm(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values, form: 'propose' });
		try {
			const work = await event.locals.app.exhibitions.propose({ user, documentId, input: parsed.data, baseUrl: event.url.origin });
			return { form: 'propose', ok: true, title: work.title };
		} catch (e) {
			return failFromError(e, { locale, values, form: 'propose' });
		}
	},

	/** The proposer takes back a work still waiting for its answers or a moderator. */
	retract: async (event) => {
		const { user, locale } = context(event);
		const values = formValues(await event.request.formData());
		const id = workRef.safeParse(values.work);
		if (!id.success) return invalid(id.error, { locale, values: {}, form: 'retract' });
		try {
			await event.locals.app.exhibitions.retract({ user, workId: id.data });
			return { form: 'retract', ok: true, work: id.data };
		} catch (e) {
			return failFromError(e, { locale, values: { work: id.data }, form: 'retract' });
		}
	}
};
