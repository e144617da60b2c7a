import { EventEmitter } from 'node:events';
import { CHAT_DEFAULT_PAGE, CHAT_MAX_PAGE, type ChatHistoryMessage, type ChatMessage } from '../../src/lib/protocol/chat';
import type { Config } from '../config';
import type { Db } from '../db';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import type { SpacesService, SpaceRole } from '../spaces';
import type { Translator } from '../translate';
import { createModerationPipeline, isModerationVeto, type ModerationHook, type ModerationPipeline } from './moderation';
import { canSendChat, countCodePoints, messageTextProblem } from './policy';
import { createRateLimiter } from './rate-limit';
import { createChatStore, toChatMessage } from './store';
import { createChatTranslations } from './translations';
import { createMessageWriter, sqlState } from './writer';

export { ModerationVeto, type ModerationContext, type ModerationHook, type ModerationPipeline } from './moderation';

export interface ChatOptions {
	db: Db;
	logger: Logger;
	spaces: SpacesService;
	translator: Translator;
	/** Hooks to start with (or a pipeline built elsewhere); more can be added later with `moderation.use()`. */
	moderation?: ModerationHook[] | ModerationPipeline;
	config: Pick<Config, 'chatSendBurst' | 'chatSendPerSecond'>;
}

export interface ChatEvents {
	/** A new message was stored (sent once, never for a retried send). */
	message: [ChatMessage];
	/** A message was edited or deleted. */
	updated: [ChatMessage];
}

export interface SendInput {
	spaceId: string;
	author: { id: string; name: string };
	clientId: string;
	/** Kept exactly as written. */
	text: string;
	/** Canonical BCP 47 tag. */
	lang: string;
}

/** How long a member's role is trusted without asking the database again (a removal is seen at once). */
const ROLE_TTL_MS = 10_000;
/** Sends remembered by client id, so a retry is answered without a database round trip. */
const RECENT_SENDS = 20_000;
/**
 * Sends waiting for the database at most. Past this the database has fallen far behind (or is down): a new send
 * is refused with `server_busy`, kept in its sender's outbox, instead of piling up in memory.
 */
export const MAX_QUEUED_SENDS = 10_000;

/**
 * Chat in spaces: sending (validated, moderated, rate-limited, stored in batches, idempotent by client id),
 * editing and deleting one's own messages, history pages, read positions. Emits `message` and `updated`
 * after commit; delivering them is the socket layer's job.
 */
export function createChatService({ db, logger, spaces, translator, moderation: hooks, config }: ChatOptions) {
	const log = logger.child({ ns: 'chat' });
	const store = createChatStore(db);
	const moderation = Array.isArray(hooks) || !hooks ? createModerationPipeline(hooks ?? []) : hooks;
	const limiter = createRateLimiter({ burst: config.chatSendBurst, perSecond: config.chatSendPerSecond });
	const translations = createChatTranslations({ translator, logger });
	const events = new EventEmitter<ChatEvents>();

	// Stored messages are announced after their senders' acks, in commit order.
	let announce: ChatMessage[] = [];
	const flushAnnouncements = () => {
		const list = announce;
		announce = [];
		for (const m of list) events.emit('message', m);
	};
	const writer = createMessageWriter<{ authorName: string }>({
		store,
		logger,
		onStored: (results) => {
			const fresh = results.filter((r) => r.created).map((r) => toChatMessage(r.row, r.meta.authorName));
			if (fresh.length === 0) return;
			if (announce.length === 0) setImmediate(flushAnnouncements);
			announce.push(...fresh);
		}
	});

	const roles = new Map<string, { role: Promise<SpaceRole | null>; at: number }>();
	const roleKey = (spaceId: string, userId: string) => `${spaceId}:${userId}`;
	/** The member's role, from a short-lived cache: sends must not cost a query each. Non-members are not cached. */
	async function roleOf(spaceId: string, userId: string): Promise<SpaceRole | null> {
		const key = roleKey(spaceId, userId);
		const hit = roles.get(key);
		if (hit && Date.now() - hit.at < ROLE_TTL_MS) return hit.role;
		const role = spaces.roleOf(spaceId, userId);
		roles.set(key, { role, at: Date.now() });
		if (roles.size > 50_000) roles.delete(roles.keys().next().value!);
		const resolved = await role.catch((e: unknown) => {
			roles.delete(key);
			throw e;
		});
		if (resolved === null) roles.delete(key);
		return resolved;
	}
	const onMemberLeft = ({ spaceId, userId }: { spaceId: string; userId: string }) => void roles.delete(roleKey(spaceId, userId));
	spaces.events.on('member:left', onMemberLeft);

	async function requireRole(spaceId: string, userId: string): Promise<SpaceRole> {
		const role = await roleOf(spaceId, userId);
		if (!role) throw notFound();
		return role;
	}

	function checkText(text: string): void {
		const problem = messageTextProblem(text);
		if (problem) throw new AppError(problem === 'message_too_long' ? 413 : 400, problem);
	}

	function takeToken(spaceId: string, userId: string): void {
		const r = limiter.take(`${userId}:${spaceId}`);
		if (!r.allowed) throw new AppError(429, 'send_rate_limited', { retryAfterSeconds: r.retryAfterSeconds });
	}

	async function moderate(ctx: Parameters<ModerationPipeline['beforeSend']>[0]): Promise<void> {
		try {
			await moderation.beforeSend(ctx);
		} catch (e) {
			if (isModerationVeto(e)) {
				log.info({ spaceId: ctx.spaceId, authorId: ctx.authorId, code: e.code, reason: e.reason, chars: ctx.text.length }, 'moderation refused a text');
				throw new AppError(422, e.code, { detail: `moderation: ${e.reason ?? e.code}` });
			}
			log.error({ err: e, spaceId: ctx.spaceId, authorId: ctx.authorId }, 'moderation hook failed; text refused');
			throw e;
		}
	}

	async function getMessage(spaceId: string, messageId: string) {
		const found = await store.byId({ spaceId, messageId });
		if (!found) throw notFound();
		return found;
	}

	const inflight = new Map<string, Promise<{ message: ChatMessage; created: boolean }>>();
	const recent = new Map<string, string>();

	return {
		events,
		moderation,
		translations,
		roleOf,

		/**
		 * Stores a message and resolves once it is committed. A send with a client id already used by this author in
		 * this space resolves with the message stored the first time (`created: false`) and is not announced again.
		 */
		async send({ spaceId, author, clientId, text, lang }: SendInput): Promise<{ message: ChatMessage; created: boolean }> {
			checkText(text);
			const role = await requireRole(spaceId, author.id);
			if (!canSendChat(role)) throw new AppError(403, 'read_only');

			const key = `${spaceId}\u0000${author.id}\u0000${clientId}`;
			const running = inflight.get(key);
			if (running) return { message: (await running).message, created: false };
			const earlierId = recent.get(key);
			if (earlierId) {
				const found = await store.byId({ spaceId, messageId: earlierId });
				if (found) return { message: toChatMessage(found.row, found.authorName), created: false };
			}

			const work = (async () => {
				try {
					takeToken(spaceId, author.id);
					await moderate({ spaceId, authorId: author.id, authorName: author.name, role, text, lang, clientId, editOf: null });
					if (writer.pending >= MAX_QUEUED_SENDS) throw new AppError(503, 'server_busy', { retryAfterSeconds: 5 });
				} catch (e) {
					// A retry this process does not remember (it restarted since) of a message stored before is answered
					// with that message: it was allowed when it was sent, and must not turn into "too fast" now.
					const earlier = await store.byClientId({ spaceId, authorId: author.id, clientId }).catch(() => undefined);
					if (earlier) return { message: toChatMessage(earlier, author.name), created: false };
					throw e;
				}
				const stored = await writer.write({ spaceId, authorId: author.id, clientId, text, lang }, { authorName: author.name }).catch((e: unknown) => {
					// The space was deleted while the message waited.
					if (sqlState(e) === '23503') throw notFound();
					throw e;
				});
				recent.set(key, stored.row.id);
				if (recent.size > RECENT_SENDS) recent.delete(recent.keys().next().value!);
				if (stored.created) log.debug({ spaceId, messageId: stored.row.id, authorId: author.id, chars: countCodePoints(text), lang }, 'message stored');
				return { message: toChatMessage(stored.row, author.name), created: stored.created };
			})();
			inflight.set(key, work);
			try {
				return await work;
			} finally {
				inflight.delete(key);
			}
		},

		/** Replaces the text of one's own message; the earlier text is kept for moderators. */
		async edit({ spaceId, userId, messageId, text }: { spaceId: string; userId: string; messageId: string; text: string }): Promise<ChatMessage> {
			checkText(text);
			const role = await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId);
			if (row.authorId !== userId) throw new AppError(403, 'not_your_message');
			if (!canSendChat(role)) throw new AppError(403, 'read_only');
			if (row.deletedAt) throw new AppError(409, 'message_deleted');
			if (row.text === text) return toChatMessage(row, authorName);
			takeToken(spaceId, userId);
			await moderate({ spaceId, authorId: userId, authorName: authorName ?? '', role, text, lang: row.lang, clientId: null, editOf: messageId });
			const updated = await store.edit({ spaceId, messageId, text });
			if (!updated) throw new AppError(409, 'message_deleted');
			const message = toChatMessage(updated, authorName);
			log.debug({ spaceId, messageId, chars: countCodePoints(text) }, 'message edited');
			events.emit('updated', message);
			return message;
		},

		/** Deletes one's own message for readers (moderators still see it). Deleting it again changes nothing. */
		async remove({ spaceId, userId, messageId }: { spaceId: string; userId: string; messageId: string }): Promise<ChatMessage> {
			await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId);
			if (row.authorId !== userId) throw new AppError(403, 'not_your_message');
			const result = await store.markDeleted({ spaceId, messageId, by: userId });
			if (!result) throw notFound();
			const message = toChatMessage(result.row, authorName);
			if (result.changed) {
				log.debug({ spaceId, messageId }, 'message deleted');
				events.emit('updated', message);
			}
			return message;
		},

		/**
		 * A page of history, oldest first: the newest messages, or those before or after a message. Each entry
		 * carries the cached translation into `target` when there is one; `untranslated` lists those that need one.
		 */
		async history({
			spaceId,
			userId,
			before,
			after,
			limit = CHAT_DEFAULT_PAGE,
			target
		}: {
			spaceId: string;
			userId: string;
			before?: string;
			after?: string;
			limit?: number;
			/** Translation target of the reader (see `translationTarget`). */
			target?: string;
		}): Promise<{ messages: ChatHistoryMessage[]; hasMore: boolean; untranslated: ChatMessage[] }> {
			await requireRole(spaceId, userId);
			const cursor = before ?? after;
			const seq = cursor ? await store.seqOf({ spaceId, messageId: cursor }) : undefined;
			if (cursor && seq === undefined) throw notFound();
			const page = await store.page({
				spaceId,
				beforeSeq: before ? seq : undefined,
				afterSeq: after ? seq : undefined,
				limit: Math.min(Math.max(1, limit), CHAT_MAX_PAGE)
			});
			const messages: ChatHistoryMessage[] = page.rows.map((r) => toChatMessage(r.row, r.authorName));
			const untranslated: ChatMessage[] = [];
			if (target) {
				await Promise.all(
					messages.map(async (m) => {
						if (!translations.needs(m, target)) return;
						const translation = await translations.cached(m, target);
						if (translation) m.translation = translation;
						else untranslated.push(m);
					})
				);
				untranslated.sort((a, b) => a.seq - b.seq);
			}
			return { messages, hasMore: page.hasMore, untranslated };
		},

		/** One message as a member sees it. */
		async message({ spaceId, userId, messageId }: { spaceId: string; userId: string; messageId: string }): Promise<ChatMessage> {
			await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId);
			return toChatMessage(row, authorName);
		},

		/** Moves the member's read position forward to this message (never back). */
		async markRead({ spaceId, userId, messageId }: { spaceId: string; userId: string; messageId: string }): Promise<void> {
			await requireRole(spaceId, userId);
			const seq = await store.seqOf({ spaceId, messageId });
			if (seq === undefined) throw notFound();
			await store.markRead({ spaceId, userId, seq });
		},

		lastReadId: store.lastReadId,

		/** Every earlier text of these messages, oldest first (for moderators). */
		edits: store.edits,

		/** Resolves when every send received so far is stored. */
		drain: () => writer.drain(),

		stats: writer.stats,

		async close(): Promise<void> {
			spaces.events.off('member:left', onMemberLeft);
			writer.stop();
			await writer.drain();
			flushAnnouncements();
			events.removeAllListeners();
		}
	};
}

export type ChatService = ReturnType<typeof createChatService>;
