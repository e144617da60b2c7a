import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { m } from '$lib/paraglide/messages.js';
import { isolate } from '$lib/components/names';
import { CHAT_DEFAULT_PAGE, CHAT_MAX_CHARS, CHAT_MAX_PAGE, type ChatHistoryMessage, type ChatMessage, type ChatTranslation, type TranslationStatus, type TranslationUnavailableReason } from '$lib/protocol/chat';
import type { ClientToServerEvents } from '$lib/protocol/events';
import type { SpaceConnection, SpaceJoined } from '$lib/client/space-connection.svelte';
import { charCount, mergeMessages, needsTranslation, unreadDividerId, unsettled, type PendingSend } from './timeline';

/** How long a send, edit or history request may wait for its answer. */
const ACK_TIMEOUT_MS = 15_000;
/** A translation that has not come by then is shown as unavailable, with a retry. */
const TRANSLATION_WAIT_MS = 20_000;
/** A new message from someone else waits this long for its translation before it is announced in the original. */
const ANNOUNCE_WAIT_MS = 2_000;
/** Announcements leave the live region after this long (screen readers have read them by then). */
const ANNOUNCE_KEEP_MS = 15_000;
/** While typing, "typing" is repeated this often; the server forgets it after a few seconds by itself. */
const TYPING_REPEAT_MS = 3_000;
/** Someone else shows as typing for at most this long without news. */
const TYPING_SHOW_MS = 6_000;
/** At most this many pages are fetched to catch up after an outage; longer gaps start again from the newest page. */
const CATCH_UP_PAGES = 20;

export interface ChatManagerOptions {
	connection: SpaceConnection;
	myId: string;
	/** The language this person writes in (their profile's reading language), sent with each message. */
	writingLanguage?: string;
	/** Where sends survive a reload (sessionStorage in the browser); none in tests. */
	storage?: Storage | null;
}

export interface Announcement {
	id: number;
	text: string;
}

export type Outcome = { ok: true } | { ok: false; message: string };

/**
 * The chat of one space in the browser: messages (each once, in order), this device's pending and failed
 * sends, translations into the reading language, typing, unread position and what to announce.
 * Components render it; every change to the server goes through here.
 */
export class ChatManager {
	#messages = $state.raw<ChatMessage[]>([]);
	#pending = $state.raw<PendingSend[]>([]);
	#translations = new SvelteMap<string, ChatTranslation>();
	#unavailable = new SvelteMap<string, TranslationUnavailableReason>();
	#showOriginal = new SvelteSet<string>();
	#typing = new SvelteMap<string, string>();
	#announcements = $state.raw<Announcement[]>([]);
	#readingLanguage = $state('en');
	#translation = $state<TranslationStatus>({ provider: 'none', available: false });
	#dividerId = $state<string | null>(null);
	#hasOlder = $state(false);
	#loaded = $state(false);
	#loadingOlder = $state(false);
	#historyFailed = $state(false);
	#changingLanguage = $state(false);

	#connection: SpaceConnection;
	#myId: string;
	#writingLanguage: string | undefined;
	#storage: Storage | null;
	#chosenLanguage: string | null = null;
	#lastReadId: string | null = null;
	#readSent: string | null = null;
	#looking = false;
	#typingSentAt = 0;
	#announceId = 0;
	#timers = new Set<ReturnType<typeof setTimeout>>();
	#translationTimers = new Map<string, ReturnType<typeof setTimeout>>();
	#typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
	#translationWaiters = new Map<string, () => void>();

	constructor({ connection, myId, writingLanguage, storage = null }: ChatManagerOptions) {
		this.#connection = connection;
		this.#myId = myId;
		this.#writingLanguage = writingLanguage;
		this.#storage = storage;
		connection.onJoined((joined) => void this.#onJoined(joined));
		connection.onBack(() => this.#resendUnsent());
		connection.on('chat:message', (message) => this.#onMessage(message));
		connection.on('chat:updated', (message) => this.#onUpdated(message));
		connection.on('chat:translation', (t) => this.#onTranslation(t));
		connection.on('chat:translation-unavailable', (p) => this.#onUnavailable(p));
		connection.on('chat:typing', (p) => this.#onTyping(p));
		connection.on('translation:status', (status) => (this.#translation = status));
	}

	get messages(): ChatMessage[] {
		return this.#messages;
	}

	/** Sends of this device not (yet) stored, oldest first; shown after the messages. */
	get pending(): PendingSend[] {
		return this.#pending;
	}

	get readingLanguage(): string {
		return this.#readingLanguage;
	}

	get translationStatus(): TranslationStatus {
		return this.#translation;
	}

	/** Where the "New messages" line goes: before this message. */
	get dividerId(): string | null {
		return this.#dividerId;
	}

	get hasOlder(): boolean {
		return this.#hasOlder;
	}

	/** The first page of history has arrived. */
	get loaded(): boolean {
		return this.#loaded;
	}

	get loadingOlder(): boolean {
		return this.#loadingOlder;
	}

	get historyFailed(): boolean {
		return this.#historyFailed;
	}

	get changingLanguage(): boolean {
		return this.#changingLanguage;
	}

	/** Names of the others typing right now. */
	get typingNames(): string[] {
		return [...this.#typing.values()];
	}

	/** What the polite live region says now: new messages from others, and sends that failed. */
	get announcements(): Announcement[] {
		return this.#announcements;
	}

	get myId(): string {
		return this.#myId;
	}

	/** The translation to show for a message: into the reading language, of its current text; else undefined. */
	translationOf(message: ChatMessage): ChatTranslation | undefined {
		const t = this.#translations.get(message.id);
		if (!t || message.deletedAt || t.editedAt !== message.editedAt || !sameLanguage(t.lang, this.#readingLanguage)) return undefined;
		return t;
	}

	/** Why no translation came for this message, if the server said so (or it never came). */
	unavailableReason(messageId: string): TranslationUnavailableReason | undefined {
		return this.#unavailable.get(messageId);
	}

	/** Some message is in a language the translator cannot translate into the reading language. */
	get hasUntranslatable(): boolean {
		for (const reason of this.#unavailable.values()) if (reason === 'unsupported') return true;
		return false;
	}

	/** A translation is on its way: the message is in another language and translation is on. */
	awaitsTranslation(message: ChatMessage): boolean {
		return this.#expectsTranslation(message) && !this.translationOf(message) && !this.#unavailable.has(message.id);
	}

	showsOriginal(messageId: string): boolean {
		return this.#showOriginal.has(messageId);
	}

	toggleOriginal(messageId: string): void {
		if (this.#showOriginal.has(messageId)) this.#showOriginal.delete(messageId);
		else this.#showOriginal.add(messageId);
	}

	/** Sends a new message; false (and nothing sent) when it is empty or too long. */
	send(text: string): boolean {
		if (text.trim() === '' || charCount(text) > CHAT_MAX_CHARS) return false;
		const pending: PendingSend = { clientId: crypto.randomUUID(), text, lang: this.#writingLanguage, state: 'sending', createdAt: new Date().toISOString() };
		this.#setPending([...this.#pending, pending]);
		// Having written, this person has evidently read what came before.
		this.#dividerId = null;
		this.stopTyping();
		void this.#deliver(pending);
		return true;
	}

	/** Sends a failed message again, with the same client id, so it can never be stored twice. */
	retry(clientId: string): void {
		const p = this.#pending.find((x) => x.clientId === clientId);
		if (!p || p.state === 'sending') return;
		const again: PendingSend = { ...p, state: 'sending', failure: undefined };
		this.#replacePending(again);
		void this.#deliver(again);
	}

	/** Takes a failed message back out of the list, for editing in the composer; returns its text. */
	takeBack(clientId: string): string | null {
		const p = this.#pending.find((x) => x.clientId === clientId);
		if (!p || p.state === 'sending') return null;
		this.#setPending(this.#pending.filter((x) => x.clientId !== clientId));
		return p.text;
	}

	async edit(messageId: string, text: string): Promise<Outcome> {
		if (text.trim() === '') return { ok: false, message: m.error_message_empty() };
		if (charCount(text) > CHAT_MAX_CHARS) return { ok: false, message: m.error_message_too_long({ max: CHAT_MAX_CHARS }) };
		return this.#change(() => this.#ask('chat:edit', { spaceId: this.#spaceId(), messageId, text }));
	}

	async remove(messageId: string): Promise<Outcome> {
		return this.#change(() => this.#ask('chat:delete', { spaceId: this.#spaceId(), messageId }));
	}

	/** Asks again for a translation that was unavailable. */
	async retryTranslation(messageId: string): Promise<void> {
		this.#unavailable.delete(messageId);
		const message = this.#messages.find((x) => x.id === messageId);
		if (message) this.#waitForTranslation(message);
		try {
			const res = await this.#ask('chat:translate', { spaceId: this.#spaceId(), messageId });
			if (!res.ok) this.#markUnavailable(messageId, 'unavailable');
		} catch {
			this.#markUnavailable(messageId, 'unavailable');
		}
	}

	/** Reads the chat in another language from now on; translations of the loaded messages follow. */
	async setLanguage(lang: string): Promise<Outcome> {
		this.#changingLanguage = true;
		try {
			const res = await this.#ask('chat:language', { lang });
			if (!res.ok) return { ok: false, message: res.error.message };
			this.#chosenLanguage = res.lang;
			this.#useLanguage(res.lang);
			await this.#refreshTranslations();
			return { ok: true };
		} catch {
			return { ok: false, message: m.chat_language_failed() };
		} finally {
			this.#changingLanguage = false;
		}
	}

	/** Loads the page of history before the oldest message shown; resolves to how many arrived. */
	async loadOlder(): Promise<number> {
		const oldest = this.#messages[0];
		if (this.#loadingOlder || !this.#hasOlder || !oldest) return 0;
		this.#loadingOlder = true;
		try {
			const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), before: oldest.id, limit: CHAT_DEFAULT_PAGE });
			if (!res.ok) return 0;
			const before = this.#messages.length;
			this.#addHistory(res.messages);
			this.#hasOlder = res.hasMore;
			return this.#messages.length - before;
		} catch {
			return 0;
		} finally {
			this.#loadingOlder = false;
		}
	}

	/** Loads the newest page again after it failed. */
	async reload(): Promise<void> {
		await this.#loadLatest();
	}

	/** This person types: tell the others, at most every few seconds. */
	typing(): void {
		const now = Date.now();
		if (now - this.#typingSentAt < TYPING_REPEAT_MS || !this.#connection.connected) return;
		this.#typingSentAt = now;
		this.#connection.socket?.emit('chat:typing', { spaceId: this.#spaceId(), typing: true });
	}

	stopTyping(): void {
		if (this.#typingSentAt === 0) return;
		this.#typingSentAt = 0;
		if (this.#connection.connected) this.#connection.socket?.emit('chat:typing', { spaceId: this.#spaceId(), typing: false });
	}

	/**
	 * Whether the newest message is on screen in a visible page. While it is, everything shown is read; while
	 * it is not, a message from someone else starts a "New messages" line.
	 */
	setLooking(looking: boolean): void {
		this.#looking = looking;
		if (looking) this.#markRead();
	}

	/** Stops every timer and forgets everything (also used between tests). */
	reset(): void {
		for (const t of [...this.#timers, ...this.#translationTimers.values(), ...this.#typingTimers.values()]) clearTimeout(t);
		this.#timers.clear();
		this.#translationTimers.clear();
		this.#typingTimers.clear();
		this.#translationWaiters.clear();
		this.#messages = [];
		this.#pending = [];
		this.#translations.clear();
		this.#unavailable.clear();
		this.#showOriginal.clear();
		this.#typing.clear();
		this.#announcements = [];
		this.#dividerId = null;
		this.#hasOlder = false;
		this.#loaded = false;
		this.#historyFailed = false;
		this.#lastReadId = null;
		this.#readSent = null;
		this.#chosenLanguage = null;
	}

	// ---- connection ----

	async #onJoined(joined: SpaceJoined): Promise<void> {
		this.#translation = joined.translation;
		this.#useLanguage(joined.readingLanguage);
		if (joined.first) {
			this.#lastReadId = joined.lastReadId;
			this.#restorePending();
		}
		// A new connection reads in the profile's language again: keep the one chosen here.
		if (this.#chosenLanguage && this.#chosenLanguage !== joined.readingLanguage) {
			const res = await this.#ask('chat:language', { lang: this.#chosenLanguage }).catch(() => null);
			if (res?.ok) this.#useLanguage(res.lang);
		}
		if (!this.#loaded) await this.#loadLatest();
		else if (!joined.recovered) await this.#catchUp();
		this.#resendUnsent();
	}

	/**
	 * Back online: what did not go out goes now, with the same client ids, so whatever had in fact arrived is
	 * not stored twice. Only what the server refused (too fast, not allowed) waits for the person to decide.
	 */
	#resendUnsent(): void {
		for (const p of this.#pending) {
			if (p.state === 'failed' && p.failure?.reason === 'refused') continue;
			const again: PendingSend = { ...p, state: 'sending', failure: undefined };
			this.#replacePending(again);
			void this.#deliver(again);
		}
	}

	async #loadLatest(): Promise<void> {
		this.#historyFailed = false;
		try {
			const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), limit: CHAT_DEFAULT_PAGE });
			if (!res.ok) {
				this.#historyFailed = true;
				return;
			}
			this.#addHistory(res.messages);
			this.#hasOlder = res.hasMore;
			if (!this.#loaded) this.#dividerId = unreadDividerId(this.#messages, { lastReadId: this.#lastReadId, myId: this.#myId });
			this.#loaded = true;
			if (this.#looking) this.#markRead();
		} catch {
			this.#historyFailed = true;
		}
	}

	/** After an outage the server could not bridge: everything after the newest message shown, each once. */
	async #catchUp(): Promise<void> {
		for (let page = 0; page < CATCH_UP_PAGES; page++) {
			const newest = this.#messages.at(-1);
			if (!newest) return this.#loadLatest();
			const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), after: newest.id, limit: CHAT_MAX_PAGE }).catch(() => null);
			if (!res?.ok) return;
			this.#addHistory(res.messages, { fresh: true });
			if (!res.hasMore || res.messages.length === 0) return this.#refreshNewest();
		}
		// Too much was missed to show it all in order: start again from the newest page.
		this.#messages = [];
		this.#loaded = false;
		await this.#loadLatest();
	}

	/** `after` does not replay edits and deletions of messages already shown: the newest page again brings them. */
	async #refreshNewest(): Promise<void> {
		const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), limit: CHAT_DEFAULT_PAGE }).catch(() => null);
		if (res?.ok) this.#addHistory(res.messages);
	}

	/** After a change of reading language: the loaded messages again, with what the server knows of their translations. */
	async #refreshTranslations(): Promise<void> {
		const oldest = this.#messages[0];
		let before: string | undefined;
		for (let page = 0; page < CATCH_UP_PAGES; page++) {
			const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), before, limit: CHAT_MAX_PAGE }).catch(() => null);
			if (!res?.ok || res.messages.length === 0) return;
			this.#addHistory(res.messages);
			if (!res.hasMore || !oldest || res.messages[0]!.seq <= oldest.seq) return;
			before = res.messages[0]!.id;
		}
	}

	#addHistory(messages: ChatHistoryMessage[], { fresh = false }: { fresh?: boolean } = {}): void {
		const plain: ChatMessage[] = [];
		for (const { translation, ...message } of messages) {
			plain.push(message);
			if (translation) this.#translations.set(message.id, translation);
		}
		this.#messages = mergeMessages(this.#messages, plain);
		this.#setPending(unsettled(this.#pending, this.#messages, this.#myId));
		for (const message of plain) {
			if (this.awaitsTranslation(message)) this.#waitForTranslation(message);
			if (fresh && message.authorId !== this.#myId) this.#noticeNew(message);
		}
	}

	#onMessage(message: ChatMessage): void {
		if (message.spaceId !== this.#connection.spaceId) return;
		const known = this.#messages.some((x) => x.id === message.id);
		this.#messages = mergeMessages(this.#messages, [message]);
		this.#setPending(unsettled(this.#pending, this.#messages, this.#myId));
		if (known) return;
		if (this.awaitsTranslation(message)) this.#waitForTranslation(message);
		if (message.authorId === this.#myId) return;
		this.#clearTyping(message.authorId ?? '');
		this.#noticeNew(message);
		void this.#announceMessage(message);
	}

	#onUpdated(message: ChatMessage): void {
		if (message.spaceId !== this.#connection.spaceId || !this.#messages.some((x) => x.id === message.id)) return;
		this.#messages = mergeMessages(this.#messages, [message]);
		this.#unavailable.delete(message.id);
		if (this.awaitsTranslation(message)) this.#waitForTranslation(message);
	}

	#onTranslation(t: ChatTranslation): void {
		if (t.spaceId !== this.#connection.spaceId || !sameLanguage(t.lang, this.#readingLanguage)) return;
		this.#translations.set(t.messageId, t);
		this.#unavailable.delete(t.messageId);
		this.#stopWaiting(t.messageId);
		this.#translationWaiters.get(t.messageId)?.();
	}

	#onUnavailable(p: { messageId: string; spaceId: string; lang: string; reason: TranslationUnavailableReason }): void {
		if (p.spaceId !== this.#connection.spaceId || !sameLanguage(p.lang, this.#readingLanguage)) return;
		this.#markUnavailable(p.messageId, p.reason);
	}

	#onTyping(p: { spaceId: string; userId: string; displayName: string; typing: boolean }): void {
		if (p.spaceId !== this.#connection.spaceId || p.userId === this.#myId) return;
		this.#clearTyping(p.userId);
		if (!p.typing) return;
		this.#typing.set(p.userId, p.displayName);
		this.#typingTimers.set(
			p.userId,
			setTimeout(() => this.#clearTyping(p.userId), TYPING_SHOW_MS)
		);
	}

	#clearTyping(userId: string): void {
		const timer = this.#typingTimers.get(userId);
		if (timer) clearTimeout(timer);
		this.#typingTimers.delete(userId);
		this.#typing.delete(userId);
	}

	// ---- sending ----

	async #deliver(p: PendingSend): Promise<void> {
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return this.#fail(p, { reason: 'offline' });
		if (this.#connection.status === 'ended') return this.#fail(p, { reason: 'offline' });
		try {
			const res = await this.#ask('chat:send', { spaceId: this.#spaceId(), clientId: p.clientId, text: p.text, lang: p.lang });
			if (res.ok) {
				this.#messages = mergeMessages(this.#messages, [res.message]);
				this.#setPending(unsettled(this.#pending, this.#messages, this.#myId));
				this.#markRead();
			} else {
				this.#fail(p, { reason: 'refused', message: res.error.message });
			}
		} catch {
			this.#fail(p, { reason: navigator.onLine === false ? 'offline' : 'timeout' });
		}
	}

	#fail(p: PendingSend, failure: NonNullable<PendingSend['failure']>): void {
		if (!this.#pending.some((x) => x.clientId === p.clientId)) return;
		this.#replacePending({ ...p, state: 'failed', failure });
		this.#announce(m.chat_announce_not_sent());
	}

	#replacePending(p: PendingSend): void {
		this.#setPending(this.#pending.map((x) => (x.clientId === p.clientId ? p : x)));
	}

	#setPending(pending: PendingSend[]): void {
		if (pending === this.#pending) return;
		this.#pending = pending;
		this.#savePending();
	}

	#storageKey(): string {
		return `tessera:chat:pending:${this.#connection.spaceId}`;
	}

	/** Unsent messages outlive a reload of this tab (never other tabs or a closed browser). */
	#savePending(): void {
		if (!this.#storage || !this.#connection.spaceId) return;
		try {
			const keep = this.#pending.map(({ clientId, text, lang, createdAt }) => ({ clientId, text, lang, createdAt }));
			if (keep.length === 0) this.#storage.removeItem(this.#storageKey());
			else this.#storage.setItem(this.#storageKey(), JSON.stringify(keep));
		} catch {
			// Storage full or refused: the messages stay in memory.
		}
	}

	#restorePending(): void {
		if (!this.#storage || this.#pending.length > 0) return;
		try {
			const saved = JSON.parse(this.#storage.getItem(this.#storageKey()) ?? '[]') as Pick<PendingSend, 'clientId' | 'text' | 'lang' | 'createdAt'>[];
			if (!Array.isArray(saved)) return;
			// Whether they arrived is known once history is in; until then they count as not sent.
			this.#pending = saved
				.filter((s) => typeof s?.clientId === 'string' && typeof s.text === 'string')
				.map((s) => ({ clientId: s.clientId, text: s.text, lang: s.lang, createdAt: s.createdAt, state: 'failed', failure: { reason: 'interrupted' } }));
		} catch {
			// Unreadable: nothing to restore.
		}
	}

	// ---- reading, translations, announcements ----

	#markRead(): void {
		const newest = this.#messages.at(-1);
		if (!this.#looking || !newest || newest.id === this.#readSent || !this.#connection.connected) return;
		this.#readSent = newest.id;
		this.#connection.socket?.emit('chat:read', { spaceId: this.#spaceId(), messageId: newest.id }, () => {});
	}

	/** A message from someone else arrived: read at once if seen, or the start of what is new. */
	#noticeNew(message: ChatMessage): void {
		if (this.#looking) this.#markRead();
		else if (this.#dividerId === null) this.#dividerId = message.id;
	}

	async #announceMessage(message: ChatMessage): Promise<void> {
		if (this.awaitsTranslation(message)) {
			await new Promise<void>((resolve) => {
				const timer = this.#later(() => resolve(), ANNOUNCE_WAIT_MS);
				this.#translationWaiters.set(message.id, () => (clearTimeout(timer), resolve()));
			});
			this.#translationWaiters.delete(message.id);
		}
		const current = this.#messages.find((x) => x.id === message.id) ?? message;
		if (current.deletedAt) return;
		const text = this.translationOf(current)?.text ?? current.text;
		this.#announce(m.chat_announce_message({ name: isolate(current.authorName), text: isolate(text) }));
	}

	#announce(text: string): void {
		const item = { id: ++this.#announceId, text };
		this.#announcements = [...this.#announcements, item].slice(-5);
		this.#later(() => (this.#announcements = this.#announcements.filter((a) => a.id !== item.id)), ANNOUNCE_KEEP_MS);
	}

	#expectsTranslation(message: ChatMessage): boolean {
		return !message.deletedAt && this.#translation.provider !== 'none' && needsTranslation(message.lang, this.#readingLanguage);
	}

	#waitForTranslation(message: ChatMessage): void {
		this.#stopWaiting(message.id);
		this.#translationTimers.set(
			message.id,
			setTimeout(() => {
				this.#translationTimers.delete(message.id);
				const current = this.#messages.find((x) => x.id === message.id);
				if (current && this.awaitsTranslation(current)) this.#unavailable.set(message.id, 'unavailable');
			}, TRANSLATION_WAIT_MS)
		);
	}

	#stopWaiting(messageId: string): void {
		const timer = this.#translationTimers.get(messageId);
		if (timer) clearTimeout(timer);
		this.#translationTimers.delete(messageId);
	}

	#markUnavailable(messageId: string, reason: TranslationUnavailableReason): void {
		this.#stopWaiting(messageId);
		this.#unavailable.set(messageId, reason);
		this.#translationWaiters.get(messageId)?.();
	}

	#useLanguage(lang: string): void {
		if (lang === this.#readingLanguage) return;
		this.#readingLanguage = lang;
		// Translations into the previous language no longer apply (translationOf checks the language too).
		this.#unavailable.clear();
		for (const timer of this.#translationTimers.values()) clearTimeout(timer);
		this.#translationTimers.clear();
		for (const message of this.#messages) if (this.awaitsTranslation(message)) this.#waitForTranslation(message);
	}

	// ---- plumbing ----

	async #change(request: () => Promise<{ ok: true; message: ChatMessage } | { ok: false; error: { message: string } }>): Promise<Outcome> {
		try {
			const res = await request();
			if (!res.ok) return { ok: false, message: res.error.message };
			this.#messages = mergeMessages(this.#messages, [res.message]);
			return { ok: true };
		} catch {
			return { ok: false, message: m.chat_action_failed() };
		}
	}

	#ask<E extends 'chat:send' | 'chat:edit' | 'chat:delete' | 'chat:history' | 'chat:language' | 'chat:translate'>(
		event: E,
		payload: Parameters<ClientToServerEvents[E]>[0]
	): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
		const socket = this.#connection.socket;
		if (!socket) return Promise.reject(new Error('not connected'));
		// Socket.IO cannot follow a generic event name through its overloads; the signature above pins the pairing.
		const untyped = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(event: string, payload: unknown): Promise<never> };
		return untyped.emitWithAck(event, payload);
	}

	#spaceId(): string {
		const id = this.#connection.spaceId;
		if (!id) throw new Error('chat used before the space connection was opened');
		return id;
	}

	#later(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			fn();
		}, ms);
		this.#timers.add(timer);
		return timer;
	}
}

function sameLanguage(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase() || !needsTranslation(a, b);
}
