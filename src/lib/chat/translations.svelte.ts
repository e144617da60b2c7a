import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { ChatMessage, ChatTranslation, TranslationStatus, TranslationUnavailableReason } from '$lib/protocol/chat';
import { needsTranslation, sameLanguage } from './timeline';

/** A translation that has not come by then is shown as unavailable, with a retry. */
const WAIT_MS = 20_000;

/**
 * What the reader sees of each message's translation: the translation into their reading language (of the
 * message's current text), one on its way, or why none came; and whether they chose to see the original.
 */
export class Translations {
	#byMessage = new SvelteMap<string, ChatTranslation>();
	#unavailable = new SvelteMap<string, TranslationUnavailableReason>();
	#showOriginal = new SvelteSet<string>();
	#readingLanguage = $state('en');
	#status = $state<TranslationStatus>({ provider: 'none', available: false });
	#timers = new Map<string, ReturnType<typeof setTimeout>>();
	#waiters = new Map<string, Set<() => void>>();
	#find: (messageId: string) => ChatMessage | undefined;

	/** `find` looks a message up in its current version. */
	constructor(find: (messageId: string) => ChatMessage | undefined) {
		this.#find = find;
	}

	get readingLanguage(): string {
		return this.#readingLanguage;
	}

	get status(): TranslationStatus {
		return this.#status;
	}

	set status(status: TranslationStatus) {
		this.#status = status;
	}

	/** Some message is in a language the translator cannot translate into the reading language. */
	get hasUntranslatable(): boolean {
		for (const reason of this.#unavailable.values()) if (reason === 'unsupported') return true;
		return false;
	}

	of(message: ChatMessage): ChatTranslation | undefined {
		const t = this.#byMessage.get(message.id);
		if (!t || message.deletedAt || t.editedAt !== message.editedAt || !sameLanguage(t.lang, this.#readingLanguage)) return undefined;
		return t;
	}

	unavailableReason(messageId: string): TranslationUnavailableReason | undefined {
		return this.#unavailable.get(messageId);
	}

	/** A translation is on its way: the message is in another language, translation is on, and no answer came yet. */
	awaits(message: ChatMessage): boolean {
		return (
			!message.deletedAt &&
			this.#status.provider !== 'none' &&
			needsTranslation(message.lang, this.#readingLanguage) &&
			!this.of(message) &&
			!this.#unavailable.has(message.id)
		);
	}

	showsOriginal(messageId: string): boolean {
		return this.#showOriginal.has(messageId);
	}

	toggleOriginal(messageId: string): void {
		if (this.#showOriginal.has(messageId)) this.#showOriginal.delete(messageId);
		else this.#showOriginal.add(messageId);
	}

	/** Reads in `lang` from now on; earlier translations stay, unused, in case the reader comes back to it. */
	use(lang: string, messages: readonly ChatMessage[]): void {
		if (lang === this.#readingLanguage) return;
		this.#readingLanguage = lang;
		this.#unavailable.clear();
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
		for (const message of messages) this.expect(message);
	}

	/** A message arrived: if it needs a translation, give it a while to come. */
	expect(message: ChatMessage): void {
		if (!this.awaits(message)) return;
		this.#stopWaiting(message.id);
		this.#timers.set(
			message.id,
			setTimeout(() => {
				this.#timers.delete(message.id);
				const current = this.#find(message.id);
				if (current && this.awaits(current)) this.#settle(message.id, 'unavailable');
			}, WAIT_MS)
		);
	}

	/** The message changed, or the reader asked again: whatever was said about its translation no longer holds. */
	renew(message: ChatMessage): void {
		this.#unavailable.delete(message.id);
		this.expect(message);
	}

	/** A translation came from the server. Ignored unless it is for the reading language. */
	received(t: ChatTranslation): void {
		if (!sameLanguage(t.lang, this.#readingLanguage)) return;
		// A translation of an earlier version that arrives after the edit's own is stale (ISO times compare as text).
		const had = this.#byMessage.get(t.messageId);
		if (had && (had.editedAt ?? '') > (t.editedAt ?? '')) return;
		this.#byMessage.set(t.messageId, t);
		this.#settle(t.messageId);
	}

	/** None could be made now, and why. Ignored unless it is about the reading language. */
	failed({ messageId, lang, reason }: { messageId: string; lang: string; reason: TranslationUnavailableReason }): void {
		if (sameLanguage(lang, this.#readingLanguage)) this.#settle(messageId, reason);
	}

	/** Resolves once the message's translation came or failed, or after `ms`. */
	settled(messageId: string, ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.#waiters.get(messageId)?.delete(done);
				resolve();
			};
			const timer = setTimeout(done, ms);
			if (!this.#waiters.has(messageId)) this.#waiters.set(messageId, new Set());
			this.#waiters.get(messageId)!.add(done);
		});
	}

	reset(): void {
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
		for (const waiters of this.#waiters.values()) for (const done of [...waiters]) done();
		this.#waiters.clear();
		this.#byMessage.clear();
		this.#unavailable.clear();
		this.#showOriginal.clear();
	}

	#settle(messageId: string, reason?: TranslationUnavailableReason): void {
		this.#stopWaiting(messageId);
		if (reason) this.#unavailable.set(messageId, reason);
		else this.#unavailable.delete(messageId);
		for (const done of [...(this.#waiters.get(messageId) ?? [])]) done();
	}

	#stopWaiting(messageId: string): void {
		const timer = this.#timers.get(messageId);
		if (timer) clearTimeout(timer);
		this.#timers.delete(messageId);
	}
}
