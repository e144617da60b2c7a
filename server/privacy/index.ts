import { and, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { AccountsService } from '../accounts';
import type { Db } from '../db';
import {
	auditLog,
	chatMessageEdits,
	chatMessages,
	chatReadPositions,
	docActivityHours,
	docContributions,
	matchingProfiles,
	mentorships,
	moderationQueue,
	profiles,
	reports,
	spaceMembers,
	surveyAnswers,
	surveyResponses,
	users
} from '../db/schema';
import { notFound } from '../errors';
import type { Logger } from '../logger';
import type { Translator } from '../translate';
import { collectExport, type DataExport } from './export';
import { keptForSafeguarding } from './retention';

export type { DataExport };

export interface PrivacyOptions {
	db: Db;
	logger: Logger;
	accounts: AccountsService;
	/** Forgets cached translations of texts (in memory and in the translations table). */
	translator: Pick<Translator, 'forget'>;
	/** Days safeguarding records outlive a deletion (program_policy.retention_days). */
	retentionDays: () => Promise<number>;
	/** Age under which a participant is a minor (program_policy.minor_age). */
	minorAge: () => Promise<number>;
	/** Told after an account is deleted (committed): consents it gave elsewhere end (exhibitions). */
	onDeleted?: (userId: string) => Promise<void>;
}

/**
 * A person's data rights: a download of everything Tessera holds about them, and deletion of their account.
 * What deletion keeps, and for how long, is written out in the README ("Your data").
 */
export function createPrivacyService({ db, logger, accounts, translator, retentionDays, minorAge, onDeleted }: PrivacyOptions) {
	const log = logger.child({ ns: 'privacy' });

	return {
		/** Everything about this person, as JSON: account, profile, consents, spaces, messages, contributions, reports made, sessions. */
		async exportData(userId: string): Promise<DataExport> {
			const data = await collectExport(db, userId);
			if (!data) throw notFound();
			log.info({ userId }, 'data exported');
			return data;
		},

		/**
		 * Deletes the account after checking the password: the person is signed out everywhere at once; their
		 * profile, sessions, read positions and attribution go, and their messages are blanked — except those the
		 * safeguarding policy keeps for review (see `keptForSafeguarding`), which stay until the retention period ends.
		 */
		async deleteAccount({ userId, password }: { userId: string; password: string }): Promise<{ keptMessages: number; removedMessages: number }> {
			await accounts.verifyOwnPassword({ userId, password });
			const minor = await minorAge();
			const result = await db.transaction(async (tx) => {
				const authored = await tx
					.select({ id: chatMessages.id, spaceId: chatMessages.spaceId, text: chatMessages.text, lang: chatMessages.lang })
					.from(chatMessages)
					.where(eq(chatMessages.authorId, userId));
				const kept = await keptForSafeguarding(tx, { userId, minorAge: minor, messageIds: authored.map((m) => m.id) });
				const removed = authored.filter((m) => !kept.has(m.id));
				const now = new Date();
				if (removed.length > 0) {
					const ids = removed.map((m) => m.id);
					for (let i = 0; i < ids.length; i += 500) {
						const chunk = ids.slice(i, i + 500);
						await tx.delete(chatMessageEdits).where(inArray(chatMessageEdits.messageId, chunk));
						await tx.update(chatMessages).set({ text: '', deletedAt: sql`coalesce(${chatMessages.deletedAt}, ${now.toISOString()}::timestamptz)`, deletedBy: userId }).where(inArray(chatMessages.id, chunk));
					}
				}
				// What is kept leaves the conversation too (readers see it as deleted); moderators still read it.
				const keptIds = [...kept];
				for (let i = 0; i < keptIds.length; i += 500) {
					await tx
						.update(chatMessages)
						.set({ deletedAt: sql`coalesce(${chatMessages.deletedAt}, ${now.toISOString()}::timestamptz)`, deletedBy: sql`coalesce(${chatMessages.deletedBy}, ${userId}::uuid)` })
						.where(inArray(chatMessages.id, keptIds.slice(i, i + 500)));
				}
				await tx.delete(chatReadPositions).where(eq(chatReadPositions.userId, userId));
				await tx.delete(docContributions).where(eq(docContributions.userId, userId));
				await tx.delete(docActivityHours).where(eq(docActivityHours.userId, userId));
				// Their free-text answers go, and so must any translation of them (below, with the messages').
				const answers = await tx
					.select({ text: surveyAnswers.text })
					.from(surveyAnswers)
					.innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswers.responseId))
					.where(and(eq(surveyResponses.userId, userId), isNotNull(surveyAnswers.text)));
				await tx.delete(surveyResponses).where(eq(surveyResponses.userId, userId));
				await tx.delete(spaceMembers).where(eq(spaceMembers.userId, userId));
				await tx.delete(profiles).where(eq(profiles.userId, userId));
				// Matching: their availability and preferences go; a mentorship still under way ends (what the pair wrote stays the other's too).
				await tx.delete(matchingProfiles).where(eq(matchingProfiles.userId, userId));
				await tx
					.update(mentorships)
					.set({ status: 'ended', endedReason: 'account_deleted', endedAt: now, updatedAt: now })
					.where(and(or(eq(mentorships.menteeId, userId), eq(mentorships.mentorId, userId)), inArray(mentorships.status, ['proposed', 'active', 'paused'])));
				await tx
					.update(users)
					// An address that cannot receive mail and a hash no password matches: the account cannot sign in again.
					.set({ email: `deleted-${userId}@deleted.invalid`, passwordHash: '!deleted', status: 'suspended', deletedAt: now, updatedAt: now })
					.where(eq(users.id, userId));
				await tx.insert(auditLog).values({ actorId: userId, action: 'user.delete', targetType: 'user', targetId: userId, detail: `kept ${kept.size} messages for safeguarding` });
				return { keptMessages: kept.size, removedMessages: removed.length, removedTexts: [...removed.map((m) => m.text), ...answers.map((a) => a.text!)].filter(Boolean) };
			});
			const { removedTexts, ...counts } = result;
			// Ends the sessions and closes every live connection of this person.
			await accounts.signOutEverywhere(userId);
			// Their blanked messages' words must not stay behind in other languages.
			await translator.forget({ texts: removedTexts });
			log.info({ userId, ...counts }, 'account deleted');
			await onDeleted?.(userId).catch((err: unknown) => log.error({ err, userId }, 'ending the consents of a deleted account elsewhere failed'));
			return counts;
		},

		/**
		 * After the retention period: deleted accounts' kept messages, their moderation records and the account row
		 * itself go for good; closed reports and reviewed moderation items older than the period go too. Returns
		 * how many accounts were purged.
		 */
		async purgeExpired(now = new Date()): Promise<number> {
			const days = await retentionDays();
			const before = new Date(now.getTime() - days * 86_400_000);
			const expired = await db
				.select({ id: users.id })
				.from(users)
				.where(and(isNotNull(users.deletedAt), lt(users.deletedAt, before)));
			const ids = expired.map((u) => u.id);
			await db.transaction(async (tx) => {
				if (ids.length > 0) {
					await tx.delete(moderationQueue).where(inArray(moderationQueue.authorId, ids));
					await tx.delete(chatMessages).where(inArray(chatMessages.authorId, ids));
					await tx.delete(users).where(inArray(users.id, ids));
				}
				await tx.delete(moderationQueue).where(and(lt(moderationQueue.createdAt, before), sql`${moderationQueue.status} <> 'held'`));
				await tx.delete(reports).where(and(lt(reports.createdAt, before), sql`${reports.status} <> 'open'`));
			});
			if (ids.length > 0) log.info({ accounts: ids.length, retentionDays: days }, 'deleted accounts purged after the retention period');
			return ids.length;
		}
	};
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
