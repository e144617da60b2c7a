import type { ChatHistoryMessage, ChatMessage, ChatTranslation, TranslationStatus, TranslationUnavailableReason } from './chat';
import type { ErrorBody } from './codes';

/** Every ack either carries its result or an error in the reader's language. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

export interface PresenceMember {
	userId: string;
	displayName: string;
	role: 'owner' | 'member' | 'observer' | 'supervisor';
}

/** Events a client may send. Payloads are validated on the server; invalid ones get `{ ok: false }`. */
export interface ClientToServerEvents {
	/** Joins the space's room: presence, chat and translations into this connection's reading language. */
	'space:join': (
		payload: { spaceId: string },
		ack: (res: Ack<{ members: PresenceMember[]; readingLanguage: string; translation: TranslationStatus; lastReadId: string | null }>) => void
	) => void;
	'space:leave': (payload: { spaceId: string }, ack: (res: Ack) => void) => void;
	/**
	 * Sends a message. `clientId` is chosen by the client and reused on retry: a retried send returns the
	 * message stored the first time. `lang` (BCP 47) defaults to the author's reading language.
	 */
	'chat:send': (
		payload: { spaceId: string; clientId: string; text: string; lang?: string },
		ack: (res: Ack<{ message: ChatMessage }>) => void
	) => void;
	/** Edits one's own message; the earlier text is kept for moderators. */
	'chat:edit': (payload: { spaceId: string; messageId: string; text: string }, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
	/** Deletes one's own message for readers; moderators can still see it. */
	'chat:delete': (payload: { spaceId: string; messageId: string }, ack: (res: Ack<{ message: ChatMessage }>) => void) => void;
	/** A page of history, oldest first. `before`: messages older than that id; `after`: newer (catching up after an outage). */
	'chat:history': (
		payload: { spaceId: string; before?: string; after?: string; limit?: number },
		ack: (res: Ack<{ messages: ChatHistoryMessage[]; hasMore: boolean }>) => void
	) => void;
	/**
	 * Typing started (true) or stopped (false); the server stops it by itself after a few seconds. The ack is
	 * optional: an error when typing is not shown because the sender may not send there (`read_only`, `muted`,
	 * `muted_until`, `space_locked`, `not_found`). Without an ack such typing is dropped silently.
	 */
	'chat:typing': (payload: { spaceId: string; typing: boolean }, ack?: (res: Ack) => void) => void;
	/** Everything up to and including this message has been read (by this account, on every device). */
	'chat:read': (payload: { spaceId: string; messageId: string }, ack: (res: Ack) => void) => void;
	/** Sets the language this connection reads chat in (BCP 47); the profile's reading language otherwise. */
	'chat:language': (payload: { lang: string }, ack: (res: Ack<{ lang: string }>) => void) => void;
	/** Asks again for a translation that was unavailable. It arrives as `chat:translation` or `chat:translation-unavailable`. */
	'chat:translate': (payload: { spaceId: string; messageId: string }, ack: (res: Ack) => void) => void;
}

/**
 * The name of every event in `ClientToServerEvents`, for code that must go through all of them at run time (the
 * safeguarding tests try each one). events.test-d.ts proves the list and the map name the same events.
 */
export const CLIENT_EVENTS = [
	'space:join',
	'space:leave',
	'chat:send',
	'chat:edit',
	'chat:delete',
	'chat:history',
	'chat:typing',
	'chat:read',
	'chat:language',
	'chat:translate'
] as const satisfies readonly (keyof ClientToServerEvents)[];

export interface ServerToClientEvents {
	/**
	 * Sent just before the server closes this connection because the session ended, or (`consent_withdrawn`)
	 * because the person withdrew their consent to take part: they stay signed in but reach no space.
	 */
	'session:ended': (payload: { reason: 'suspended' | 'signed_out' | 'password_changed' | 'expired' | 'consent_withdrawn' }) => void;
	'presence:update': (payload: { spaceId: string; members: PresenceMember[] }) => void;
	/**
	 * A new message, sent at once to everyone in the room (the author too), in its original language. It carries
	 * `translation` into this connection's reading language when the server already had one; otherwise one
	 * follows as `chat:translation` (or `chat:translation-unavailable`).
	 */
	'chat:message': (message: ChatHistoryMessage) => void;
	/** A message's text changed (or it was deleted: `deletedAt` set and `text` empty). Translations follow again. */
	'chat:updated': (message: ChatMessage) => void;
	/** A translation into this connection's reading language; sent only to readers of that language. */
	'chat:translation': (translation: ChatTranslation) => void;
	/** No translation could be made now: show the original, offer a retry. */
	'chat:translation-unavailable': (payload: { messageId: string; spaceId: string; lang: string; reason: TranslationUnavailableReason }) => void;
	'chat:typing': (payload: { spaceId: string; userId: string; displayName: string; typing: boolean }) => void;
	/**
	 * With several server processes: this process lost its link to the others for a while, so messages sent on them
	 * meanwhile may not have reached this connection. Catch up (`chat:history` with `after`) as after an outage.
	 */
	'chat:resync': (payload: Record<string, never>) => void;
	/** The translator went down or came back. */
	'translation:status': (status: TranslationStatus) => void;
	/** To connected moderators and admins only: something needs a look now (a report, a paused match, feedback). */
	'moderation:alert': (alert: ModerationAlert) => void;
	/** A moderator ended this space's live session; the connection closes right after. */
	'space:session-ended': (payload: { spaceId: string; reason: 'ended_by_moderator' }) => void;
}

export type InterServerEvents = Record<string, never>;

/** What moderators are alerted with. Never the reporter, never a message text. */
export interface ModerationAlert {
	/** `held`: a new message or edit waits in the moderation queue (reportId null). */
	kind: 'report' | 'pause' | 'feedback' | 'held';
	reportId: string | null;
	spaceId: string | null;
	/** The report's reason code (`paused_match` for a pause, `feedback` for feedback, `held` for a held chat text, `doc` for text held in a document). */
	reason: string;
	/** A minor reported an adult, or a mentee paused their match: sending was already paused. */
	urgent: boolean;
	createdAt: string;
}

export interface SocketData {
	userId: string;
	/** The account's role when the connection was made (moderators and admins get moderation alerts). */
	role: 'mentee' | 'mentor' | 'moderator' | 'admin';
	sessionId: string;
	/** Absolute end of the session, ms since epoch. */
	expiresAt: number;
	displayName: string;
	locale: string;
	/** BCP 47 tag this connection reads chat in (the profile's, or what `chat:language` set). */
	readingLanguage: string;
}
