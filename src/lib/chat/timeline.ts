import type { ChatMessage } from '$lib/protocol/chat';

/** A message this browser is sending, or failed to send: kept until the server's copy arrives. */
export interface PendingSend {
	clientId: string;
	text: string;
	lang?: string;
	state: 'sending' | 'failed';
	/**
	 * Why it failed: no network, no answer in time, the server said no (its message is in the reader's
	 * language), or the page was reloaded before an answer came.
	 */
	failure?: { reason: 'offline' | 'timeout' | 'refused' | 'interrupted'; message?: string };
	/** When it was first written (ISO 8601), for ordering among other pending sends. */
	createdAt: string;
}

/** When a message last changed, for choosing the newer of two copies of it. */
function version(message: ChatMessage): number {
	return Math.max(Date.parse(message.createdAt) || 0, Date.parse(message.editedAt ?? '') || 0, Date.parse(message.deletedAt ?? '') || 0);
}

/**
 * `current` plus `incoming`, each message once (by id), ordered by `seq`. Of two copies of one message the
 * later version wins, so a history page fetched before an edit cannot undo it.
 */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
	if (incoming.length === 0) return current as ChatMessage[];
	const byId = new Map<string, ChatMessage>();
	for (const m of current) byId.set(m.id, m);
	for (const m of incoming) {
		const known = byId.get(m.id);
		if (!known || version(m) >= version(known)) byId.set(m.id, m);
	}
	return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** The pending sends the server has not yet answered for: one whose message is listed is done. */
export function unsettled(pending: readonly PendingSend[], messages: readonly ChatMessage[], myId: string): PendingSend[] {
	if (pending.length === 0) return pending as PendingSend[];
	const stored = new Set(messages.filter((m) => m.authorId === myId).map((m) => m.clientId));
	const left = pending.filter((p) => !stored.has(p.clientId));
	return left.length === pending.length ? (pending as PendingSend[]) : left;
}

/**
 * The first unread message from someone else, where "New messages" goes; null when there is none.
 * `lastReadId` null (never read) or not among `messages` (read before the oldest loaded) means all of them are new.
 */
export function unreadDividerId(messages: readonly ChatMessage[], { lastReadId, myId }: { lastReadId: string | null; myId: string }): string | null {
	const readIndex = lastReadId === null ? -1 : messages.findIndex((m) => m.id === lastReadId);
	for (let i = readIndex + 1; i < messages.length; i++) {
		const m = messages[i]!;
		if (m.authorId !== myId && !m.deletedAt) return m.id;
	}
	return null;
}

/** Whether text in `lang` needs a translation for someone who reads `readingLanguage` (regional variants do not). */
export function needsTranslation(lang: string, readingLanguage: string): boolean {
	const primary = (tag: string) => tag.toLowerCase().split('-')[0];
	return primary(lang) !== primary(readingLanguage);
}

/** Whether a translation into `a` serves a reader of `b`: the same language, whatever the region. */
export function sameLanguage(a: string, b: string): boolean {
	return !needsTranslation(a, b);
}

/** Length as the server counts it: Unicode code points, so an emoji is one. */
export function charCount(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

/** Messages this close together from one author are shown as one group under a single name. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/** Whether `message` continues `previous`'s group (same author, within a few minutes, neither deleted). */
export function continuesGroup(previous: ChatMessage | undefined, message: ChatMessage): boolean {
	if (!previous || previous.authorId === null || previous.authorId !== message.authorId) return false;
	return Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_WINDOW_MS;
}

/** A message's time in the reader's language and time zone: the time alone today, with the date otherwise. */
export function formatMessageTime(iso: string, { locale, timeZone, now = new Date() }: { locale: string; timeZone: string; now?: Date }): string {
	const date = new Date(iso);
	const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
	const sameDay = day.format(date) === day.format(now);
	const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'short', timeZone } : { dateStyle: 'medium', timeStyle: 'short', timeZone };
	return new Intl.DateTimeFormat(locale, options).format(date);
}

/** A language's name in the reader's language ("Spanish", "espagnol"); the tag itself if unknown. */
export function languageName(tag: string, locale: string): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/**
 * With several server processes, messages stored at nearly the same moment can become visible slightly out of
 * order (a later one first). Catching up therefore starts this long before the newest message shown and reads
 * that stretch again; messages are kept once by id, so nothing is doubled.
 */
export const CATCH_UP_OVERLAP_MS = 2_000;

/** The message to catch up after: the newest one shown at least CATCH_UP_OVERLAP_MS before the newest of all. */
export function catchUpCursor(messages: readonly ChatMessage[]): string | null {
	const newest = messages.at(-1);
	if (!newest) return null;
	const before = Date.parse(newest.createdAt) - CATCH_UP_OVERLAP_MS;
	for (let i = messages.length - 1; i >= 0; i--) if (Date.parse(messages[i]!.createdAt) < before) return messages[i]!.id;
	// Everything shown is that recent: read again from the oldest shown.
	return messages[0]!.id;
}
