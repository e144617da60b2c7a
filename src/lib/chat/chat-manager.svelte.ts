import { m } from '$lib/paraglide/messages.js';
import { isolate } from '$lib/components/names';
import { CHAT_DEFAULT_PAGE, CHAT_MAX_CHARS, CHAT_MAX_PAGE, type ChatHistoryMessage, type ChatMessage } from '$lib/protocol/chat';
import type { ClientToServerEvents } from '$lib/protocol/events';
import type { SpaceConnection, SpaceJoined } from '$lib/client/space-connection.svelte';
import { Outbox } from './outbox.svelte';
import { catchUpCursor, charCount, mergeMessages, unreadDividerId, type PendingSend } from './timeline';
import { Translations } from './translations.svelte';
import { Typing } from './typing.svelte';

/** How long a send, edit or history request may wait for its answer. */
const ACK_TIMEOUT_MS = 15_000;
/** A new message from someone else waits this long for its translation before it is announced in the original. */
const ANNOUNCE_WAIT_MS = 2_000;
/** Announcements leave the live region after this long (screen readers have read them by then). */
const ANNOUNCE_KEEP_MS = 15_000;
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
	#announcements = $state.raw<Announcement[]>([]);
	#dividerId = $state<string | null>(null);
	#hasOlder = $state(false);
	#loaded = $state(false);
	#loadingOlder = $state(false);
	#historyFailed = $state(false);
	#changingLanguage = $state(false);

	#connection: SpaceConnection;
	#myId: string;
	#writingLanguage: string | undefined;
	#chosenLanguage: string | null = null;
	/** The newest message shown when the connection last came back, before anything live arrived on it. */
	#catchUpAfter: string | null = null;
	#lastReadId: string | null = null;
	#readSent: string | null = null;
	#looking = false;
	#announceId = 0;
	#timers = new Set<ReturnType<typeof setTimeout>>();
	#outbox: Outbox;
	/** Translations into the reading language, and which messages show their original. */
	readonly translations: Translations;
	#typing: Typing;

	constructor({ connection, myId, writingLanguage, storage = null }: ChatManagerOptions) {
		this.#connection = connection;
		this.#myId = myId;
		this.#writingLanguage = writingLanguage;
		this.translations = new Translations((id) => this.#messages.find((x) => x.id === id));
		this.#outbox = new Outbox({
			send: (p) => this.#ask('chat:send', { spaceId: this.#spaceId(), clientId: p.clientId, text: p.text, lang: p.lang }),
			canSend: () => connection.status !== 'ended' && (typeof navigator === 'undefined' || navigator.onLine !== false),
			onStored: (message) => {
				this.#messages = mergeMessages(this.#messages, [message]);
				this.#outbox.settle(this.#messages, this.#myId);
				this.#markRead();
			},
			onFailed: () => this.#announce(m.chat_announce_not_sent()),
			storage
		});
		this.#typing = new Typing((typing) => {
			if (connection.connected && connection.spaceId) connection.socket?.emit('chat:typing', { spaceId: connection.spaceId, typing });
		});
		// Live messages can arrive as soon as the server has put this connection back in the room, before the
		// join's answer: catching up starts from the newest message that was shown before that.
		connection.onConnect(() => (this.#catchUpAfter = catchUpCursor(this.#messages)));
		connection.onJoined((joined) => void this.#onJoined(joined));
		connection.onBack(() => this.#outbox.resend());
		connection.on('chat:message', (message) => this.#onMessage(message));
		connection.on('chat:updated', (message) => this.#onUpdated(message));
		// The server lost touch with its peers for a while: read what may have been missed, as after an outage.
		connection.on('chat:resync', () => {
			if (!this.#loaded) return;
			this.#catchUpAfter = catchUpCursor(this.#messages);
			void this.#catchUp();
		});
		connection.on('chat:translation', (t) => {
			if (t.spaceId === connection.spaceId) this.translations.received(t);
		});
		connection.on('chat:translation-unavailable', (p) => {
			if (p.spaceId === connection.spaceId) this.translations.failed(p);
		});
		connection.on('chat:typing', (p) => {
			if (p.spaceId === connection.spaceId && p.userId !== this.#myId) this.#typing.seen(p.userId, p.displayName, p.typing);
		});
		connection.on('translation:status', (status) => (this.translations.status = status));
	}

	get messages(): ChatMessage[] {
		return this.#messages;
	}

	/** Sends of this device not (yet) stored, oldest first; shown after the messages. */
	get pending(): PendingSend[] {
		return this.#outbox.items;
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
		return this.#typing.names;
	}

	/** What the polite live region says now: new messages from others, and sends that failed. */
	get announcements(): Announcement[] {
		return this.#announcements;
	}

	get myId(): string {
		return this.#myId;
	}

	/** Sends a new message; false (and nothing sent) when it is empty or too long. */
	send(text: string): boolean {
		if (text.trim() === '' || charCount(text) > CHAT_MAX_CHARS) return false;
		this.#outbox.add(text, this.#writingLanguage);
		// Having written, this person has evidently read what came before.
		this.#dividerId = null;
		this.#typing.stop();
		return true;
	}

	/** Sends a failed message again, with the same client id, so it can never be stored twice. */
	retry(clientId: string): void {
		this.#outbox.retry(clientId);
	}

	/** Takes a failed message back out of the list, for editing in the composer; returns its text. */
	takeBack(clientId: string): string | null {
		return this.#outbox.takeBack(clientId);
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
		const message = this.#messages.find((x) => x.id === messageId);
		if (!message) return;
		this.translations.renew(message);
		const res = await this.#ask('chat:translate', { spaceId: this.#spaceId(), messageId }).catch(() => null);
		if (!res?.ok) this.translations.failed({ messageId, lang: this.translations.readingLanguage, reason: 'unavailable' });
	}

	/** Reads the chat in another language from now on; translations of the loaded messages follow. */
	async setLanguage(lang: string): Promise<Outcome> {
		this.#changingLanguage = true;
		try {
			const res = await this.#ask('chat:language', { lang });
			if (!res.ok) return { ok: false, message: res.error.message };
			this.#chosenLanguage = res.lang;
			this.translations.use(res.lang, this.#messages);
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
		this.#typing.typing();
	}

	stopTyping(): void {
		this.#typing.stop();
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
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
		this.#typing.reset();
		this.#outbox.reset();
		this.#messages = [];
		this.translations.reset();
		this.#announcements = [];
		this.#dividerId = null;
		this.#hasOlder = false;
		this.#loaded = false;
		this.#historyFailed = false;
		this.#lastReadId = null;
		this.#readSent = null;
		this.#chosenLanguage = null;
		this.#catchUpAfter = null;
	}

	// ---- connection ----

	async #onJoined(joined: SpaceJoined): Promise<void> {
		this.translations.status = joined.translation;
		this.translations.use(joined.readingLanguage, this.#messages);
		if (joined.first) {
			this.#lastReadId = joined.lastReadId;
			if (this.#connection.spaceId) this.#outbox.open(this.#connection.spaceId);
		}
		// A new connection reads in the profile's language again: keep the one chosen here.
		if (this.#chosenLanguage && this.#chosenLanguage !== joined.readingLanguage) {
			const res = await this.#ask('chat:language', { lang: this.#chosenLanguage }).catch(() => null);
			if (res?.ok) this.translations.use(res.lang, this.#messages);
		}
		if (!this.#loaded) await this.#loadLatest();
		else if (!joined.recovered) await this.#catchUp();
		this.#outbox.resend();
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
		if (!this.#catchUpAfter) return this.#loadLatest();
		let after: string = this.#catchUpAfter;
		for (let page = 0; page < CATCH_UP_PAGES; page++) {
			const res = await this.#ask('chat:history', { spaceId: this.#spaceId(), after, limit: CHAT_MAX_PAGE }).catch(() => null);
			if (!res?.ok) {
				this.#historyFailed = true;
				return;
			}
			this.#addHistory(res.messages, { fresh: true });
			if (!res.hasMore || res.messages.length === 0) return this.#refreshNewest();
			// The next page follows this page, not whatever arrived live meanwhile.
			const last: string = res.messages.at(-1)!.id;
			after = last;
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
			if (translation) this.translations.received(translation);
		}
		// Catching up reads a few seconds already shown again (see catchUpCursor): those are not news.
		const shown = fresh ? new Set(this.#messages.map((m) => m.id)) : null;
		this.#messages = mergeMessages(this.#messages, plain);
		this.#outbox.settle(this.#messages, this.#myId);
		for (const message of plain) {
			this.translations.expect(message);
			if (fresh && !shown?.has(message.id) && message.authorId !== this.#myId) this.#noticeNew(message);
		}
	}

	#onMessage({ translation, ...message }: ChatHistoryMessage): void {
		if (message.spaceId !== this.#connection.spaceId) return;
		if (translation) this.translations.received(translation);
		const known = this.#messages.some((x) => x.id === message.id);
		this.#messages = mergeMessages(this.#messages, [message]);
		this.#outbox.settle(this.#messages, this.#myId);
		if (known) return;
		this.translations.expect(message);
		if (message.authorId === this.#myId) return;
		if (message.authorId) this.#typing.clear(message.authorId);
		this.#noticeNew(message);
		void this.#announceMessage(message);
	}

	#onUpdated(message: ChatMessage): void {
		if (message.spaceId !== this.#connection.spaceId || !this.#messages.some((x) => x.id === message.id)) return;
		this.#messages = mergeMessages(this.#messages, [message]);
		this.translations.renew(message);
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
		if (this.translations.awaits(message)) await this.translations.settled(message.id, ANNOUNCE_WAIT_MS);
		const current = this.#messages.find((x) => x.id === message.id) ?? message;
		if (current.deletedAt) return;
		const text = this.translations.of(current)?.text ?? current.text;
		this.#announce(m.chat_announce_message({ name: isolate(current.authorName), text: isolate(text) }));
	}

	#announce(text: string): void {
		const item = { id: ++this.#announceId, text };
		this.#announcements = [...this.#announcements, item].slice(-5);
		this.#later(() => (this.#announcements = this.#announcements.filter((a) => a.id !== item.id)), ANNOUNCE_KEEP_MS);
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
