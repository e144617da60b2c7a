import { and, count, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { guardianConsents, guardianLinks, profiles, users } from '../db/schema';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { hashToken, isWellFormedToken, newToken } from '../accounts/session-policy';
import type { Tx } from '../spaces';
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';
import type { ConsentPurpose, ConsentState, Consents } from './consent';
import type { Outbox } from './outbox';

/** New links a guardian may ask for per child per day: enough to replace one that leaked, not enough to flood an inbox. */
const GUARDIAN_LINKS_PER_DAY = 5;

/**
 * `valid`; `revoked` (a newer link replaced it); `ended` (the child now decides for themselves, or closed their
 * account); `unknown` (no such link).
 */
export type GuardianAccessState = 'valid' | 'revoked' | 'ended' | 'unknown';

export interface GuardianView {
	state: GuardianAccessState;
	/** The child's display name, only while the link works. */
	childName: string | null;
	/** Each purpose and whether it is granted, only while the link works. */
	current: ConsentState[];
}

type MessageFn = (params: Record<string, unknown>, options: { locale: UiLocale }) => string;
const catalog = m as unknown as Record<string, MessageFn>;

/** A mail that carries the standing link, in the guardian's language, instead of the usual one. */
export type GuardianMailComposer = (args: { link: string; guardianName: string; childName: string; locale: UiLocale }) => { kind: string; subject: string; body: string };

/**
 * Issues the guardian's standing link inside `tx` (any earlier one for this child stops working) and queues the
 * mail that carries it. Only the token's hash is stored; the token exists only in the mail. `compose` words another
 * mail around the link (a matching proposal to approve).
 */
export async function issueGuardianLink({
	tx,
	outbox,
	userId,
	guardianConsentId,
	guardianName,
	guardianEmail,
	childName,
	baseUrl,
	locale,
	now,
	compose
}: {
	tx: Tx;
	outbox: Outbox;
	userId: string;
	guardianConsentId: string;
	guardianName: string;
	guardianEmail: string;
	childName: string;
	baseUrl: string;
	locale: string;
	now: Date;
	compose?: GuardianMailComposer;
}): Promise<void> {
	await tx.update(guardianLinks).set({ revokedAt: now }).where(and(eq(guardianLinks.userId, userId), isNull(guardianLinks.revokedAt)));
	const token = newToken();
	await tx.insert(guardianLinks).values({ userId, guardianConsentId, tokenHash: hashToken(token), createdAt: now });
	const ui: UiLocale = isUiLocale(locale) ? locale : 'en';
	const link = new URL(`/guardian/${token}`, baseUrl).href;
	const mail = compose
		? compose({ link, guardianName, childName, locale: ui })
		: {
				kind: 'guardian_link',
				subject: catalog.mail_guardian_link_subject!({ childName }, { locale: ui }),
				body: catalog.mail_guardian_link_body!({ childName, guardianName, link }, { locale: ui })
			};
	await outbox.enqueue(tx, { ...mail, to: guardianEmail });
}

/**
 * What a guardian does through their standing link: see each purpose for their child, withdraw it or give it again
 * (through the same ledger calls as the person's own changes, so withdrawing participation ends live connections),
 * and swap the link for a new one.
 */
export function createGuardianAccess({ db, logger, outbox, ledger }: { db: Db; logger: Logger; outbox: Outbox; ledger: Consents }) {
	const log = logger.child({ ns: 'consent' });

	async function find(token: string) {
		if (!isWellFormedToken(token)) return null;
		const [row] = await db
			.select({ link: guardianLinks, deletedAt: users.deletedAt, childName: profiles.displayName })
			.from(guardianLinks)
			.innerJoin(users, eq(users.id, guardianLinks.userId))
			.leftJoin(profiles, eq(profiles.userId, guardianLinks.userId))
			.where(eq(guardianLinks.tokenHash, hashToken(token)))
			.limit(1);
		return row ?? null;
	}

	/** The link's state; a guardian decides only while the child is under the consent age and has an account. */
	async function stateOf(row: NonNullable<Awaited<ReturnType<typeof find>>>): Promise<GuardianAccessState> {
		if (row.link.revokedAt) return 'revoked';
		if (row.deletedAt || row.childName === null) return 'ended';
		return (await ledger.underConsentAge(row.link.userId)) ? 'valid' : 'ended';
	}

	/** The link, usable now, or the refusal that says why not. */
	async function usable(token: string) {
		const row = await find(token);
		if (!row) throw new AppError(404, 'consent_link_invalid');
		const state = await stateOf(row);
		if (state === 'revoked') throw new AppError(410, 'guardian_link_revoked');
		if (state === 'ended') throw new AppError(410, 'guardian_link_ended');
		return row.link;
	}

	/** Inside the change's transaction: the link is still the live one (not swapped meanwhile); marks it used. */
	const stillLive = (linkId: string) => async (tx: Tx) => {
		const [link] = await tx.select({ revokedAt: guardianLinks.revokedAt }).from(guardianLinks).where(eq(guardianLinks.id, linkId)).for('update');
		if (!link || link.revokedAt) throw new AppError(410, 'guardian_link_revoked');
		await tx.update(guardianLinks).set({ lastUsedAt: new Date() }).where(eq(guardianLinks.id, linkId));
	};

	return {
		/**
		 * The child a working link is for, and a check to run inside the transaction that acts on it (the link is still
		 * the live one; marks it used). Refuses as `change` does: unknown, replaced or ended links.
		 */
		async child(token: string): Promise<{ userId: string; check: (tx: Tx) => Promise<void> }> {
			const link = await usable(token);
			return { userId: link.userId, check: stillLive(link.id) };
		},

		/** What the guardian's page shows. */
		async view(token: string): Promise<GuardianView> {
			const row = await find(token);
			if (!row) return { state: 'unknown', childName: null, current: [] };
			const state = await stateOf(row);
			if (state !== 'valid') return { state, childName: null, current: [] };
			const ledgerNow = await ledger.list({ userId: row.link.userId });
			return { state, childName: row.childName, current: ledgerNow.current };
		},

		/** The guardian withdraws (`grant: false`) or gives again one purpose; recorded as by the guardian. */
		async change({ token, purpose, grant }: { token: string; purpose: ConsentPurpose; grant: boolean }): Promise<ConsentState[]> {
			const link = await usable(token);
			const check = stillLive(link.id);
			if (grant) await ledger.grantAs({ userId: link.userId, purpose, by: 'guardian', guardianConsentId: link.guardianConsentId, check });
			else await ledger.revokeAs({ userId: link.userId, purpose, by: 'guardian', check });
			return (await ledger.list({ userId: link.userId })).current;
		},

		/** The guardian asks for a new link, to the address they gave: this one stops working at once. */
		async rotate({ token, baseUrl, locale }: { token: string; baseUrl: string; locale: string }): Promise<void> {
			const link = await usable(token);
			await db.transaction(async (tx) => {
				await stillLive(link.id)(tx);
				const [{ n }] = (await tx
					.select({ n: count() })
					.from(guardianLinks)
					.where(and(eq(guardianLinks.userId, link.userId), gt(guardianLinks.createdAt, new Date(Date.now() - 86_400_000))))) as [{ n: number }];
				if (Number(n) >= GUARDIAN_LINKS_PER_DAY) throw new AppError(429, 'rate_limited', { retryAfterSeconds: 3600 });
				const [guardian] = await tx
					.select({ name: guardianConsents.guardianName, email: guardianConsents.guardianEmail, childName: profiles.displayName })
					.from(guardianConsents)
					.innerJoin(profiles, eq(profiles.userId, guardianConsents.userId))
					.where(eq(guardianConsents.id, link.guardianConsentId))
					.limit(1);
				if (!guardian) throw new AppError(410, 'guardian_link_ended');
				await issueGuardianLink({
					tx,
					outbox,
					userId: link.userId,
					guardianConsentId: link.guardianConsentId,
					guardianName: guardian.name,
					guardianEmail: guardian.email,
					childName: guardian.childName,
					baseUrl,
					locale,
					now: new Date()
				});
				await ledger.audit(tx, { userId: link.userId, by: 'guardian', action: 'consent.guardian_link_rotate', detail: { guardianConsentId: link.guardianConsentId } });
			});
			outbox.kick();
			log.info({ userId: link.userId }, 'guardian link replaced');
		}
	};
}

export type GuardianAccess = ReturnType<typeof createGuardianAccess>;
