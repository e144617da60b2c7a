import { and, desc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { auditLog, guardianConsents, profiles } from '../db/schema';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';
import type { Consents } from './consent';
import type { Outbox } from './outbox';

type MessageFn = (params: Record<string, unknown>, options: { locale: UiLocale }) => string;
const catalog = m as unknown as Record<string, MessageFn>;

/** Addresses compare without regard to case (stored lower-cased; older rows perhaps not). */
export const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The guardian who decides for this child: the newest confirmation an admin has not set aside (null before any
 * guardian confirmed). Someone else takes their place only through an admin (`replace`), never because the child
 * named another address.
 */
export async function guardianOfRecord(tx: Pick<Db, 'select'>, userId: string) {
	const [row] = await tx
		.select({ id: guardianConsents.id, guardianName: guardianConsents.guardianName, guardianEmail: guardianConsents.guardianEmail })
		.from(guardianConsents)
		.where(and(eq(guardianConsents.userId, userId), isNotNull(guardianConsents.confirmedAt), isNull(guardianConsents.supersededAt)))
		.orderBy(desc(guardianConsents.confirmedAt))
		.limit(1);
	return row ?? null;
}

/** Asking a guardian again: by the child (to the same guardian), or by an admin (to someone new, who then decides). */
export function createGuardianRequests({ db, logger, outbox, ledger }: { db: Db; logger: Logger; outbox: Outbox; ledger: Consents }) {
	const log = logger.child({ ns: 'consent' });

	async function child(userId: string) {
		const [row] = await db.select({ displayName: profiles.displayName, uiLanguage: profiles.uiLanguage }).from(profiles).where(eq(profiles.userId, userId)).limit(1);
		if (!row) throw notFound();
		return row;
	}

	return {
		/**
		 * Sends the guardian a new link (the old one stops working): for someone under the consent age whose guardian
		 * lost the mail, or who withdrew participation and needs their guardian to grant it again. Before any guardian
		 * confirmed, any address may be named (a typo is fixed this way); after, only that guardian's
		 * (`guardian_change_needs_admin`): a child must not put an address of their own in their guardian's place.
		 */
		async resend({
			userId,
			guardianName,
			guardianEmail,
			baseUrl,
			locale
		}: {
			userId: string;
			guardianName?: string | null;
			guardianEmail?: string | null;
			baseUrl: string;
			locale: string;
		}): Promise<void> {
			if (!(await ledger.underConsentAge(userId))) throw new AppError(409, 'guardian_not_needed');
			const decides = await guardianOfRecord(db, userId);
			const last = decides ?? (await ledger.lastGuardian(userId));
			const name = guardianName ?? last?.guardianName;
			const address = guardianEmail ?? last?.guardianEmail;
			if (!name || !address) {
				const fields: Record<string, 'guardian_required'> = {};
				if (!name) fields.guardianName = 'guardian_required';
				if (!address) fields.guardianEmail = 'guardian_required';
				throw new AppError(400, 'invalid_input', { fields });
			}
			if (decides && !sameAddress(decides.guardianEmail, address)) {
				log.info({ userId }, 'a request to another guardian than the one who confirmed was refused');
				throw new AppError(409, 'guardian_change_needs_admin', { fields: { guardianEmail: 'guardian_change_needs_admin' } });
			}
			const { displayName } = await child(userId);
			await db.transaction((tx) => ledger.requestGuardianConsent({ tx, userId, guardianName: name, guardianEmail: address, childName: displayName, baseUrl, locale }));
			outbox.kick();
		},

		/**
		 * An admin names another guardian (custody changed, the address was the child's own...): the guardian who
		 * decided is set aside, the new one is sent a consent link, and the one set aside is told by mail. Until the
		 * new guardian confirms, the ledger stays as it is and the earlier guardian's standing link keeps working.
		 * One audit entry with the admin and their reason (no names, no addresses).
		 */
		async replace({
			actorId,
			userId,
			guardianName,
			guardianEmail,
			reason,
			baseUrl,
			locale
		}: {
			actorId: string;
			userId: string;
			guardianName: string;
			guardianEmail: string;
			reason: string;
			baseUrl: string;
			locale: string;
		}): Promise<void> {
			if (!(await ledger.underConsentAge(userId))) throw new AppError(409, 'guardian_not_needed');
			const previous = await guardianOfRecord(db, userId);
			const { displayName, uiLanguage } = await child(userId);
			const ui: UiLocale = isUiLocale(uiLanguage ?? '') ? (uiLanguage as UiLocale) : isUiLocale(locale) ? locale : 'en';
			await db.transaction(async (tx) => {
				await tx
					.update(guardianConsents)
					.set({ supersededAt: new Date() })
					.where(and(eq(guardianConsents.userId, userId), isNotNull(guardianConsents.confirmedAt), isNull(guardianConsents.supersededAt)));
				await ledger.requestGuardianConsent({ tx, userId, guardianName, guardianEmail, childName: displayName, baseUrl, locale: ui });
				if (previous && !sameAddress(previous.guardianEmail, guardianEmail)) {
					await outbox.enqueue(tx, {
						kind: 'guardian_replaced',
						to: previous.guardianEmail,
						subject: catalog.mail_guardian_replaced_subject!({ childName: displayName }, { locale: ui }),
						body: catalog.mail_guardian_replaced_body!({ childName: displayName, guardianName: previous.guardianName }, { locale: ui })
					});
				}
				await tx.insert(auditLog).values({
					actorId,
					action: 'consent.guardian_replace',
					targetType: 'user',
					targetId: userId,
					detail: JSON.stringify({ reason, previousGuardianConsentId: previous?.id ?? null })
				});
			});
			outbox.kick();
			log.info({ userId, actorId }, 'guardian replaced by an admin');
		}
	};
}
