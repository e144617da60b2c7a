import { EventEmitter } from 'node:events';
import { CHAT_DEFAULT_PAGE, CHAT_MAX_PAGE, type ChatHistoryMessage, type ChatMessage } from '../../src/lib/protocol/chat';
import type { Config } from '../config';
import type { Db } from '../db';
import { AppError, notFound } from '../errors';
import type { Logger } from '../logger';
import { createReadCache } from '../read-cache';
import type { SpacesService, SpaceRole } from '../spaces';
import type { Translator } from '../translate';
import type { Reviewed } from '../moderation/queue';
import { createModerationPipeline, type Decision, type ModerationHook, type ModerationPipeline } from './moderation';
import { canSendChat, countCodePoints, messageTextProblem } from './policy';
import { createRateLimiter, createSharedRateLimiter, type SharedLimiterFactory } from './rate-limit';
import { createChatStore, toChatMessage, type MessageRow } from './store';
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
	/** Locks and mutes (moderation): throws `space_locked`, `muted` or `muted_until` for someone who may not write now. */
	restrictions?: { assertMayWrite(args: { spaceId: string; userId: string }): Promise<{ paused: boolean }> };
	/**
	 * Whether the space has or had a minor (safeguarding): there a text the pipeline refuses is still kept for
	 * moderators. Without it, refused texts are not kept anywhere.
	 */
	hadMinor?: (spaceId: string) => Promise<boolean>;
	/** With several processes: the send limit is counted in Redis (`Scale['limiter']`). Without it, in memory. */
	sharedLimiter?: SharedLimiterFactory;
}

export interface ChatEvents {
	/** A new message was stored (sent once, never for a retried send). */
	message: [ChatMessage];
	/** A message was edited or deleted. */
	updated: [ChatMessage];
	/**
	 * For the author's eyes only: their message held for review (new, or deleted while held), their edit held, or a
	 * moderator's rejection. Nobody else is sent anything.
	 */
	held: [message: ChatMessage, fresh: boolean];
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

/** How long a member's role is trusted without asking the database again (a removal, withdrawn consent, suspension or new account role is seen at once: `forgetUser`). */
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
export function createChatService({ db, logger, spaces, translator, moderation: hooks, config, restrictions, hadMinor, sharedLimiter }: ChatOptions) {
	const log = logger.child({ ns: 'chat' });
	const store = createChatStore(db);
	const moderation = Array.isArray(hooks) || !hooks ? createModerationPipeline(hooks ?? []) : hooks;
	const limits = { burst: config.chatSendBurst, perSecond: config.chatSendPerSecond };
	// One process keeps its bucket in memory and checks it without waiting for anything (every send passes here).
	const limiter = sharedLimiter ? undefined : createRateLimiter(limits);
	const shared = sharedLimiter ? createSharedRateLimiter(limits, sharedLimiter) : undefined;
	// A translation that hits a word list is not delivered, and the message goes to the moderation queue.
	const flaggedTranslations = new Set<string>();
	const translations = createChatTranslations({
		translator,
		logger,
		screen: (message, translation) => {
			const decision = moderation.checkTranslation({ spaceId: message.spaceId, messageId: message.id, text: translation.text, lang: translation.lang });
			if (decision.action === 'allow' || decision.action === 'redact') return true;
			const key = `${message.id}\u0000${translation.lang}\u0000${message.editedAt}`;
			if (!flaggedTranslations.has(key)) {
				flaggedTranslations.add(key);
				if (flaggedTranslations.size > 10_000) flaggedTranslations.delete(flaggedTranslations.values().next().value!);
				log.info({ spaceId: message.spaceId, messageId: message.id, lang: translation.lang, hook: decision.hook, reason: decision.reason }, 'a translation was withheld for review');
				store
					.enqueue({ kind: 'chat-translation', spaceId: message.spaceId, targetId: message.id, authorId: message.authorId, text: translation.text, lang: translation.lang, hook: decision.hook ?? 'unknown', reason: decision.reason ?? 'unknown' })
					.catch((err: unknown) => log.error({ err, messageId: message.id }, 'queueing a withheld translation failed'));
			}
			return false;
		}
	});
	const events = new EventEmitter<ChatEvents>();

	// Stored messages are announced after their senders' acks, in commit order; held ones to their author only.
	let announce: ChatMessage[] = [];
	const flushAnnouncements = () => {
		const list = announce;
		announce = [];
		for (const m of list) {
			if (m.held) events.emit('held', m, true);
			else events.emit('message', m);
		}
	};
	const writer = createMessageWriter<{ authorName: string }>({
		store,
		logger,
		onStored: (results) => {
			const fresh = results.filter((r) => r.created).map((r) => toChatMessage(r.row, r.meta.authorName));
			if (fresh.length === 0) return;
			// Called as the batch's INSERT answers: the senders' acks go out in the promise callbacks that follow, and a
			// tick runs only once those are all done, so the broadcast follows the acks without waiting for a turn of
			// the event loop (behind every other frame that arrived meanwhile).
			if (announce.length === 0) process.nextTick(flushAnnouncements);
			announce.push(...fresh);
		}
	});

	const roleKey = (spaceId: string, userId: string) => `${spaceId}:${userId}`;
	/** Members' roles, briefly cached (see ReadCache): sends must not cost a query each. Non-members are not cached. */
	const roles = createReadCache<string, SpaceRole | null>({
		ttlMs: ROLE_TTL_MS,
		max: 50_000,
		read: (key) => {
			const [spaceId, userId] = key.split(':') as [string, string];
			return spaces.roleOf(spaceId, userId);
		},
		keep: (role) => role !== null
	});
	function roleOf(spaceId: string, userId: string): Promise<SpaceRole | null> {
		return roles.get(roleKey(spaceId, userId));
	}
	const onMemberLeft = ({ spaceId, userId }: { spaceId: string; userId: string }) => void roles.delete(roleKey(spaceId, userId));
	spaces.events.on('member:left', onMemberLeft);
	/** Drops every cached role of one person: rare (consent withdrawn, suspension, a new account role), so a scan is fine. */
	function forgetUser(userId: string): void {
		const suffix = `:${userId}`;
		for (const key of roles.keys()) if (key.endsWith(suffix)) roles.delete(key);
	}

	async function requireRole(spaceId: string, userId: string): Promise<SpaceRole> {
		const role = await roleOf(spaceId, userId);
		if (!role) throw notFound();
		return role;
	}

	function checkText(text: string): void {
		const problem = messageTextProblem(text);
		if (problem) throw new AppError(problem === 'message_too_long' ? 413 : 400, problem);
	}

	/** Throws `send_rate_limited` beyond the limit; returns a promise only when the limit is shared between processes. */
	function takeToken(spaceId: string, userId: string): void | Promise<void> {
		const key = `${userId}:${spaceId}`;
		if (shared) return shared.take(key).then(refuseOver);
		refuseOver(limiter!.take(key));
	}
	function refuseOver(r: { allowed: true } | { allowed: false; retryAfterSeconds: number }): void {
		if (!r.allowed) throw new AppError(429, 'send_rate_limited', { retryAfterSeconds: r.retryAfterSeconds });
	}

	type RunInput = Parameters<ModerationPipeline['run']>[0];

	/**
	 * In a space that has or had a minor, a refused text is kept for moderators (queue status `blocked`), delivered to
	 * no one. A failure to keep it is logged, and the sender is refused all the same.
	 */
	async function keepRefused(input: RunInput, { hook, reason }: { hook: string; reason: string }): Promise<boolean> {
		try {
			if (!hadMinor || !(await hadMinor(input.spaceId))) return false;
			await store.keepBlocked({ kind: input.kind === 'chat-edit' ? 'chat-edit' : 'chat', spaceId: input.spaceId, editOf: input.editOf, authorId: input.authorId, text: input.text, lang: input.lang, hook, reason });
			return true;
		} catch (err) {
			log.error({ err, spaceId: input.spaceId, authorId: input.authorId, hook, reason }, 'keeping a refused text for review failed');
			return false;
		}
	}

	/** Runs the pipeline; a block is thrown as the sender's error, anything else comes back to be stored accordingly. */
	async function moderate(input: RunInput): Promise<Decision> {
		let decision: Decision;
		try {
			decision = await moderation.run(input);
		} catch (e) {
			const kept = await keepRefused(input, { hook: (e as { hook?: string }).hook ?? 'unknown', reason: 'hook_failed' });
			log.error({ err: e, spaceId: input.spaceId, authorId: input.authorId, kept }, 'moderation hook failed; text refused');
			throw e;
		}
		if (decision.action === 'block') {
			const kept = await keepRefused(input, { hook: decision.hook ?? 'unknown', reason: decision.reason ?? 'unknown' });
			log.info({ spaceId: input.spaceId, authorId: input.authorId, code: decision.code, hook: decision.hook, reason: decision.reason, chars: input.text.length, kept }, 'moderation refused a text');
			throw new AppError(422, decision.code ?? 'message_blocked', { detail: `moderation: ${decision.hook}/${decision.reason}` });
		}
		return decision;
	}

	/**
	 * `viewerId`'s own messages among these, as their author sees them: a held one says whether a moderator turned
	 * it down; an edit waiting for a moderator shows its new text (`held` and `editHeld` pending); a turned-down
	 * edit says so (`editHeld: rejected`) beside the text readers see. Changes the messages in place.
	 */
	async function asAuthorSees<M extends ChatMessage>(messages: M[], viewerId: string): Promise<M[]> {
		const own = messages.filter((m) => m.authorId === viewerId).map((m) => m.id);
		const reviews = await store.reviewsOf({ authorId: viewerId, messageIds: own });
		for (const m of messages) {
			const r = reviews.get(m.id);
			if (!r) continue;
			if (m.held && r.rejected) m.held = 'rejected';
			else if (m.deletedAt) continue;
			else if (r.edit?.status === 'pending') Object.assign(m, { text: r.edit.text, held: 'pending', editHeld: 'pending' });
			else if (r.edit?.status === 'rejected') m.editHeld = 'rejected';
		}
		return messages;
	}

	/** The message as its author sees it (see `asAuthorSees`); as readers see it for anyone else. */
	async function forAuthor(row: MessageRow, authorName: string | null): Promise<ChatMessage> {
		const message = toChatMessage(row, authorName);
		return row.authorId ? (await asAuthorSees([message], row.authorId))[0]! : message;
	}

	/** A message as `viewerId` may see it: a held message exists for its author only. */
	async function getMessage(spaceId: string, messageId: string, viewerId: string) {
		const found = await store.byId({ spaceId, messageId });
		if (!found || (found.row.heldAt && found.row.authorId !== viewerId)) throw notFound();
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
		 * Forget what is cached about `userId`'s roles, so their next send, edit or typing asks again: call when their
		 * participation is withdrawn, they are suspended, or their account role changes.
		 */
		forgetUser,

		/** Drops the cached role of one member of one space (they left or were removed, maybe on another process). */
		forgetMember: onMemberLeft,

		/**
		 * Stores a message and resolves once it is committed. A send with a client id already used by this author in
		 * this space resolves with the message stored the first time (`created: false`) and is not announced again.
		 */
		async send({ spaceId, author, clientId, text, lang }: SendInput): Promise<{ message: ChatMessage; created: boolean }> {
			checkText(text);
			const role = await requireRole(spaceId, author.id);
			if (!canSendChat(role)) throw new AppError(403, 'read_only');
			const paused = (await restrictions?.assertMayWrite({ spaceId, userId: author.id }))?.paused ?? false;

			const key = `${spaceId}\u0000${author.id}\u0000${clientId}`;
			const running = inflight.get(key);
			if (running) return { message: (await running).message, created: false };
			const earlierId = recent.get(key);
			if (earlierId) {
				const found = await store.byId({ spaceId, messageId: earlierId });
				if (found) return { message: toChatMessage(found.row, found.authorName), created: false };
			}

			const work = (async () => {
				let decision: Decision;
				try {
					const taking = takeToken(spaceId, author.id);
					if (taking) await taking;
					decision = await moderate({ spaceId, authorId: author.id, authorName: author.name, authorRole: role, text, lang, kind: 'chat', clientId, editOf: null });
					if (writer.pending >= MAX_QUEUED_SENDS) throw new AppError(503, 'server_busy', { retryAfterSeconds: 5 });
				} catch (e) {
					// A retry this process does not remember (it restarted since) of a message stored before is answered
					// with that message: it was allowed when it was sent, and must not turn into "too fast" now.
					const earlier = await store.byClientId({ spaceId, authorId: author.id, clientId }).catch(() => undefined);
					if (earlier) return { message: toChatMessage(earlier, author.name), created: false };
					throw e;
				}
				// Paused after a report: held like any held text, so the sender cannot tell a report from the filters.
				const review = paused
					? { hook: 'report_pause', reason: 'paused_after_report' }
					: decision.action === 'hold'
						? { hook: decision.hook ?? 'unknown', reason: decision.reason ?? 'unknown' }
						: undefined;
				const row = { spaceId, authorId: author.id, clientId, text: decision.text, lang, ...(review ? { review } : {}) };
				const stored = await writer.write(row, { authorName: author.name }).catch((e: unknown) => {
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

		/**
		 * Whether `userId`'s typing in the space may be shown to the others: only someone who may send there now.
		 * Throws what a send would (`not_found`, `read_only`, `muted`, `muted_until`, `space_locked`); a pause after a
		 * report answers false without throwing, since nothing may tell the paused person about it.
		 */
		async typingShown({ spaceId, userId }: { spaceId: string; userId: string }): Promise<boolean> {
			const role = await requireRole(spaceId, userId);
			if (!canSendChat(role)) throw new AppError(403, 'read_only');
			const paused = (await restrictions?.assertMayWrite({ spaceId, userId }))?.paused ?? false;
			return !paused;
		},

		/** Replaces the text of one's own message; the earlier text is kept for moderators. */
		async edit({ spaceId, userId, messageId, text }: { spaceId: string; userId: string; messageId: string; text: string }): Promise<ChatMessage> {
			checkText(text);
			const role = await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId, userId);
			if (row.authorId !== userId) throw new AppError(403, 'not_your_message');
			if (!canSendChat(role)) throw new AppError(403, 'read_only');
			const paused = (await restrictions?.assertMayWrite({ spaceId, userId }))?.paused ?? false;
			if (row.deletedAt) throw new AppError(409, 'message_deleted');
			// What a moderator is asked to approve must be what goes out: a held message is not changed while it waits,
			// nor once it was turned down.
			if (row.heldAt) {
				const rejected = (await store.reviewsOf({ authorId: userId, messageIds: [messageId] })).get(messageId)?.rejected;
				throw new AppError(409, rejected ? 'message_rejected' : 'message_held');
			}
			if (row.text === text) {
				// Back to the text readers see while an edit waits for a moderator: the author takes that edit back, so it
				// must never be applied later. Marking the message edited now makes the waiting edit an older one.
				const waiting = (await store.reviewsOf({ authorId: userId, messageIds: [messageId] })).get(messageId)?.edit?.status === 'pending';
				if (!waiting) return toChatMessage(row, authorName);
				const touched = await store.touchEdited({ spaceId, messageId });
				if (!touched) throw new AppError(409, 'message_deleted');
				const message = toChatMessage(touched, authorName);
				log.debug({ spaceId, messageId }, 'a held edit was taken back');
				events.emit('updated', message);
				return message;
			}
			const taking = takeToken(spaceId, userId);
			if (taking) await taking;
			const moderated = await moderate({ spaceId, authorId: userId, authorName: authorName ?? '', authorRole: role, text, lang: row.lang, kind: 'chat-edit', clientId: null, editOf: messageId });
			const decision: Decision = paused ? { ...moderated, action: 'hold', hook: 'report_pause', reason: 'paused_after_report' } : moderated;
			if (decision.action === 'hold') {
				// Held edit: readers keep the earlier text; the author sees the new one waiting for a moderator.
				await store.enqueue({ kind: 'chat-edit', spaceId, targetId: messageId, authorId: userId, text: decision.text, lang: row.lang, hook: decision.hook ?? 'unknown', reason: decision.reason ?? 'unknown' });
				log.debug({ spaceId, messageId, chars: countCodePoints(text) }, 'edit held for review');
				const pending: ChatMessage = { ...toChatMessage(row, authorName), text: decision.text, held: 'pending', editHeld: 'pending' };
				events.emit('held', pending, false);
				return pending;
			}
			const updated = await store.edit({ spaceId, messageId, text: decision.text });
			if (!updated) throw new AppError(409, 'message_deleted');
			const message = toChatMessage(updated, authorName);
			log.debug({ spaceId, messageId, chars: countCodePoints(text) }, 'message edited');
			events.emit('updated', message);
			return message;
		},

		/** Deletes one's own message for readers (moderators still see it). Deleting it again changes nothing. */
		async remove({ spaceId, userId, messageId }: { spaceId: string; userId: string; messageId: string }): Promise<ChatMessage> {
			await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId, userId);
			if (row.authorId !== userId) throw new AppError(403, 'not_your_message');
			const result = await store.markDeleted({ spaceId, messageId, by: userId });
			if (!result) throw notFound();
			const message = await forAuthor(result.row, authorName);
			if (result.changed) {
				log.debug({ spaceId, messageId }, 'message deleted');
				events.emit('updated', message);
				// Its words must not outlive it in other languages (a phone number taken back at once, say).
				void translations.forget(row.text);
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
				viewerId: userId,
				beforeSeq: before ? seq : undefined,
				afterSeq: after ? seq : undefined,
				limit: Math.min(Math.max(1, limit), CHAT_MAX_PAGE)
			});
			// The reader's own texts waiting for (or turned down by) a moderator.
			const messages: ChatHistoryMessage[] = await asAuthorSees(
				page.rows.map((r) => toChatMessage(r.row, r.authorName)),
				userId
			);
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

		/** One message as a member sees it (a held one exists only for its author). */
		async message({ spaceId, userId, messageId }: { spaceId: string; userId: string; messageId: string }): Promise<ChatMessage> {
			await requireRole(spaceId, userId);
			const { row, authorName } = await getMessage(spaceId, messageId, userId);
			return forAuthor(row, authorName);
		},

		/**
		 * A moderator's review of something held in chat, after it was committed: an approved message goes out to
		 * everyone as a new one (in its place by seq), an approved edit as an update; a rejection is told to the
		 * author only.
		 */
		async reviewed(review: Reviewed): Promise<void> {
			if (review.kind !== 'chat' && review.kind !== 'chat-edit') return;
			// A superseded edit changed nothing anyone sees.
			if (review.status === 'superseded') return;
			const found = await store.byId({ spaceId: review.spaceId, messageId: review.targetId });
			if (!found) return;
			const { row, authorName } = found;
			const message = toChatMessage(row, authorName);
			// Deleted by its author while it waited: there is nothing to show anyone.
			if (review.status === 'approved' && row.deletedAt) events.emit('held', message, false);
			else if (review.status === 'approved') events.emit(review.kind === 'chat' ? 'message' : 'updated', message);
			else if (review.kind === 'chat') events.emit('held', toChatMessage(row, authorName, 'rejected'), false);
			// A turned-down edit: its author sees the text readers see, and that the edit was not approved.
			else events.emit('held', await forAuthor(row, authorName), false);
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
