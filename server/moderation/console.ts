import { and, asc, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db';
import type { DocumentKind } from '../../src/lib/protocol/docs';
import { chatMessages, documents, profiles, spaceMembers } from '../db/schema';
import type { Logger } from '../logger';
import type { Translator } from '../translate/types';
import type { QueueItem } from './queue';
import type { ReportView } from './reports';

/** A message shown around a held or reported one, as moderators see it (held and deleted ones included). */
export interface ContextMessage {
	id: string;
	authorId: string | null;
	authorName: string;
	text: string;
	lang: string;
	createdAt: string;
	held: boolean;
	deleted: boolean;
	/** The held or reported message itself. */
	focus: boolean;
}

/** A text in the moderator's reading language, beside its original; null when it needs none or none could be had. */
export interface ConsoleTranslation {
	text: string;
	lang: string;
	provider: string;
}

/** The document a held text was taken out of; `canOpen` when the moderator has a part in its space (its supervisor). */
export interface HeldInDocument {
	id: string;
	title: string;
	kind: DocumentKind;
	canOpen: boolean;
}

/** One entry of the console's queue: a held text or an open report, with context and translations. */
export type ConsoleItem =
	| {
			type: 'held';
			id: string;
			createdAt: string;
			held: QueueItem;
			/** For text held in a document (kind 'doc'); null for chat, or when the document is gone. */
			document: HeldInDocument | null;
			context: ContextMessage[];
			translation: ConsoleTranslation | null;
	  }
	| { type: 'report'; id: string; createdAt: string; report: ReportView; context: ContextMessage[]; translation: ConsoleTranslation | null };

const AROUND = 2;

/**
 * What the moderator console shows beside the queue and reports the moderation services list: a few messages
 * around each one, and each text translated into the moderator's reading language (the original kept beside it).
 */
export function createConsoleView({ db, logger, translator }: { db: Db; logger: Logger; translator: Translator }) {
	const log = logger.child({ ns: 'moderation.console' });

	async function around(messageId: string): Promise<ContextMessage[]> {
		const [target] = await db.select({ spaceId: chatMessages.spaceId, seq: chatMessages.seq }).from(chatMessages).where(eq(chatMessages.id, messageId)).limit(1);
		if (!target) return [];
		const pick = { row: chatMessages, authorName: profiles.displayName };
		const [before, self, after] = await Promise.all([
			db.select(pick).from(chatMessages).leftJoin(profiles, eq(profiles.userId, chatMessages.authorId))
				.where(and(eq(chatMessages.spaceId, target.spaceId), lt(chatMessages.seq, target.seq))).orderBy(desc(chatMessages.seq)).limit(AROUND),
			db.select(pick).from(chatMessages).leftJoin(profiles, eq(profiles.userId, chatMessages.authorId)).where(eq(chatMessages.id, messageId)).limit(1),
			db.select(pick).from(chatMessages).leftJoin(profiles, eq(profiles.userId, chatMessages.authorId))
				.where(and(eq(chatMessages.spaceId, target.spaceId), gt(chatMessages.seq, target.seq))).orderBy(asc(chatMessages.seq)).limit(AROUND)
		]);
		return [...before.reverse(), ...self, ...after].map(({ row, authorName }) => ({
			id: row.id,
			authorId: row.authorId,
			authorName: authorName ?? '',
			text: row.text,
			lang: row.lang,
			createdAt: row.createdAt.toISOString(),
			held: row.heldAt !== null,
			deleted: row.deletedAt !== null,
			focus: row.id === messageId
		}));
	}

	async function translate(text: string, lang: string, target: string): Promise<ConsoleTranslation | null> {
		if (!text || translator.provider === 'none' || !translator.needsTranslation({ source: lang, target })) return null;
		try {
			const { texts, provider } = await translator.translate({ texts: [text], source: lang, target });
			return texts[0] ? { text: texts[0], lang: target, provider } : null;
		} catch (err) {
			// The original is shown anyway; the console says the translation is unavailable.
			log.warn({ err: (err as Error)?.name, source: lang, target }, 'console translation unavailable');
			return null;
		}
	}

	/** The documents that held texts came from, by id, and whether `viewerId` may open each. */
	async function documentsOf(held: QueueItem[], viewerId: string): Promise<Map<string, HeldInDocument>> {
		const ids = [...new Set(held.filter((h) => h.kind === 'doc').map((h) => h.targetId))];
		if (ids.length === 0) return new Map();
		const rows = await db
			.select({ id: documents.id, title: documents.title, kind: documents.kind, member: spaceMembers.userId })
			.from(documents)
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, documents.spaceId), eq(spaceMembers.userId, viewerId)))
			.where(inArray(documents.id, ids));
		return new Map(rows.map((r) => [r.id, { id: r.id, title: r.title, kind: r.kind, canOpen: r.member !== null }]));
	}

	return {
		/**
		 * Held entries and open reports as one list, oldest first, each with its context and translation into
		 * `readingLanguage`; a text held in a document says which one, and whether `viewerId` may open it.
		 */
		async items({ held, reports, readingLanguage, viewerId }: { held: QueueItem[]; reports: ReportView[]; readingLanguage: string; viewerId: string }): Promise<ConsoleItem[]> {
			const docs = await documentsOf(held, viewerId);
			const fromHeld = held.map(async (h): Promise<ConsoleItem> => ({
				type: 'held',
				id: h.id,
				createdAt: h.createdAt,
				held: h,
				document: h.kind === 'doc' ? (docs.get(h.targetId) ?? null) : null,
				context: h.kind === 'chat' || h.kind === 'chat-edit' ? await around(h.targetId) : [],
				translation: await translate(h.text, h.lang, readingLanguage)
			}));
			const fromReports = reports.map(async (r): Promise<ConsoleItem> => ({
				type: 'report',
				id: r.id,
				createdAt: r.createdAt,
				report: r,
				context: r.message ? await around(r.message.id) : [],
				translation: r.message ? await translate(r.message.text, r.message.lang, readingLanguage) : null
			}));
			const all = await Promise.all([...fromHeld, ...fromReports]);
			return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
		}
	};
}

export type ConsoleView = ReturnType<typeof createConsoleView>;
