import { z } from 'zod';
import { requireAdminPage } from '../../_lib/admin.server';
import { failFromError, formValues, invalid, type FormState } from '../../_lib/forms.server';
import { formatDateTime } from '../../_lib/options.server';
import type { Actions, PageServerLoad } from './$types';

/** The consent link in a guardian's mail, so the admin can copy it on its own. */
const CONSENT_LINK = /https?:\/\/\S+\/consent\/[A-Za-z0-9_-]{43}/;

const passedOnForm = z.object({ id: z.uuid({ error: 'not_found' }) });

export const load: PageServerLoad = async (event) => {
	const admin = requireAdminPage(event);
	const { app, locale } = event.locals;
	const mail = await app.safeguarding.outbox.unsent();
	return {
		smtp: Boolean(app.config.smtpUrl),
		mail: mail.map((mail) => ({
			id: mail.id,
			kind: mail.kind,
			to: mail.to,
			subject: mail.subject,
			body: mail.body,
			link: CONSENT_LINK.exec(mail.body)?.[0] ?? null,
			queued: formatDateTime(mail.createdAt, { locale, timeZone: admin.profile.timezone }),
			attempts: mail.attempts,
			lastError: mail.lastError
		}))
	};
};

export const actions: Actions = {
	passedOn: async (event) => {
		const admin = requireAdminPage(event);
		const { app, locale } = event.locals;
		const values = formValues(await event.request.formData());
		const parsed = passedOnForm.safeParse(values);
		if (!parsed.success) return invalid(parsed.error, { locale, values });
		try {
			// Audited by the service (outbox.passed_on), and the link is blanked out of the stored copy.
			await app.safeguarding.outbox.markPassedOn({ id: parsed.data.id, actorId: admin.id });
		} catch (e) {
			return failFromError(e, { locale, values });
		}
		const state: FormState = { ok: true };
		return state;
	}
};
