/**
 * The chat contract over Socket.IO, shared by the server, the browser and any bot. Documented for
 * outsiders in docs/realtime.md; keep the two in step.
 */

/** Longest message body, in characters (Unicode code points). */
export const CHAT_MAX_CHARS = 4000;
/** Longest client-generated id of a send (a UUID fits; anything unique per author will do). */
export const CHAT_MAX_CLIENT_ID = 64;
/** Largest history page. */
export const CHAT_MAX_PAGE = 100;
export const CHAT_DEFAULT_PAGE = 50;

/** A stored message as every reader receives it: always the author's original text and language. */
export interface ChatMessage {
	id: string;
	/** Position in the space's history; strictly increasing per server, so clients order by it. */
	seq: number;
	spaceId: string;
	/** null when the author's account no longer exists. */
	authorId: string | null;
	authorName: string;
	/** The original, as written. Empty for a deleted message. */
	text: string;
	/** BCP 47 tag of the original: what the author said, or their reading language. */
	lang: string;
	/** The id the sending client chose; a retried send with the same id returns this same message. */
	clientId: string;
	/** ISO 8601. */
	createdAt: string;
	editedAt: string | null;
	deletedAt: string | null;
	/**
	 * Present only on what its author receives about their own held text: `pending` while it waits for a
	 * moderator (a new message nobody else sees yet, or an edit others still read in the earlier version),
	 * `rejected` when a moderator did not approve it (it stays hidden from everyone else). Absent otherwise.
	 */
	held?: 'pending' | 'rejected';
	/**
	 * Present only on what its author receives about their own message when their latest edit of it was held:
	 * `pending` while it waits (`text` is the new text, `held` is `pending` too; readers still see the earlier
	 * version, and the author may edit again), `rejected` when a moderator did not approve it (`text` is the version
	 * readers see; `held` absent). Absent otherwise, and once the author edits again.
	 */
	editHeld?: 'pending' | 'rejected';
}

/** A machine translation of one message into one reading language. */
export interface ChatTranslation {
	messageId: string;
	spaceId: string;
	lang: string;
	text: string;
	/** Which translator produced it: 'libretranslate' | 'apertium'. Always shown as machine translation. */
	provider: string;
	/** The message's editedAt the translation was made from (null: the first version). */
	editedAt: string | null;
}

/** A history entry: the message plus what the server already has for the reader's language. */
export interface ChatHistoryMessage extends ChatMessage {
	/** Present when a translation into the reader's language is known; otherwise one follows as `chat:translation`. */
	translation?: ChatTranslation;
}

/** Why no translation was delivered for one language. Readers keep the original and may retry. */
export type TranslationUnavailableReason = 'unavailable' | 'unsupported' | 'off';

/** How this server translates: shown in the chat so readers know whether translations will come. */
export interface TranslationStatus {
	provider: 'libretranslate' | 'apertium' | 'none';
	/** false while the circuit breaker is open (translator down). */
	available: boolean;
}
