import type { ChatMessage } from '$lib/protocol/chat';
import type { Ack } from '$lib/protocol/events';
import { unsettled, type PendingSend } from './timeline';

export interface OutboxOptions {
	/** Sends one message; resolves with the server's answer, rejects when none comes in time. */
	send: (p: PendingSend) => Promise<Ack<{ message: ChatMessage }>>;
	/** False while sending cannot work at all (no network, connection ended for good). */
	canSend: () => boolean;
	/** The server stored it (now, or the first time, for a retry). */
	onStored: (message: ChatMessage) => void;
	/** It did not go out; the person should hear so. */
	onFailed: () => void;
	/** Where sends survive a reload (sessionStorage in the browser); none in tests. */
	storage: Storage | null;
}

type Saved = Pick<PendingSend, 'clientId' | 'text' | 'lang' | 'createdAt'>;

/**
 * This device's messages on their way: sending, or not sent and kept. Each keeps its client id for every
 * attempt, so a retry of something that had in fact arrived is never stored twice.
 */
export class Outbox {
	#items = $state.raw<PendingSend[]>([]);
	#options: OutboxOptions;
	#key: string | null = null;

	constructor(options: OutboxOptions) {
		this.#options = options;
	}

	/** Oldest first; shown after the stored messages. */
	get items(): PendingSend[] {
		return this.#items;
	}

	/** The sends of this space, with any a reload interrupted (not known to be sent until history says so). */
	open(spaceId: string): void {
		this.#key = `tessera:chat:pending:${spaceId}`;
		if (this.#items.length > 0 || !this.#options.storage) return;
		try {
			const saved = JSON.parse(this.#options.storage.getItem(this.#key) ?? '[]') as Saved[];
			if (!Array.isArray(saved)) return;
			this.#items = saved
				.filter((s) => typeof s?.clientId === 'string' && typeof s.text === 'string')
				.map((s) => ({ clientId: s.clientId, text: s.text, lang: s.lang, createdAt: s.createdAt, state: 'failed', failure: { reason: 'interrupted' } }));
		} catch {
			// Unreadable: nothing to restore.
		}
	}

	add(text: string, lang: string | undefined): void {
		const p: PendingSend = { clientId: crypto.randomUUID(), text, lang, state: 'sending', createdAt: new Date().toISOString() };
		this.#set([...this.#items, p]);
		void this.#deliver(p);
	}

	/** Sends a message that did not go out again, under the same client id. */
	retry(clientId: string): void {
		const p = this.#items.find((x) => x.clientId === clientId);
		if (p && p.state === 'failed') this.#again(p);
	}

	/**
	 * Back online or reconnected: everything not sent goes again, and whatever may have been lost with the old
	 * connection too. Only what the server refused (too fast, not allowed) waits for the person to decide.
	 */
	resend(): void {
		for (const p of this.#items) if (!(p.state === 'failed' && p.failure?.reason === 'refused')) this.#again(p);
	}

	/** Takes a message that did not go out back, for editing; returns its text. */
	takeBack(clientId: string): string | null {
		const p = this.#items.find((x) => x.clientId === clientId);
		if (!p || p.state === 'sending') return null;
		this.#set(this.#items.filter((x) => x.clientId !== clientId));
		return p.text;
	}

	/** Drops the sends whose stored message is among `messages`. */
	settle(messages: readonly ChatMessage[], myId: string): void {
		this.#set(unsettled(this.#items, messages, myId));
	}

	/** Forgets everything in memory (what is saved for a reload stays). */
	reset(): void {
		this.#items = [];
		this.#key = null;
	}

	#again(p: PendingSend): void {
		const again: PendingSend = { ...p, state: 'sending', failure: undefined };
		this.#replace(again);
		void this.#deliver(again);
	}

	async #deliver(p: PendingSend): Promise<void> {
		if (!this.#options.canSend()) return this.#fail(p, { reason: 'offline' });
		try {
			const res = await this.#options.send(p);
			if (res.ok) this.#options.onStored(res.message);
			else this.#fail(p, { reason: 'refused', message: res.error.message });
		} catch {
			this.#fail(p, { reason: this.#options.canSend() ? 'timeout' : 'offline' });
		}
	}

	#fail(p: PendingSend, failure: NonNullable<PendingSend['failure']>): void {
		// Settled meanwhile (the broadcast came first, or another attempt succeeded): nothing failed.
		if (!this.#items.some((x) => x.clientId === p.clientId)) return;
		this.#replace({ ...p, state: 'failed', failure });
		this.#options.onFailed();
	}

	#replace(p: PendingSend): void {
		this.#set(this.#items.map((x) => (x.clientId === p.clientId ? p : x)));
	}

	#set(items: PendingSend[]): void {
		if (items === this.#items) return;
		this.#items = items;
		this.#save();
	}

	/** Unsent messages outlive a reload of this tab (never other tabs or a closed browser). */
	#save(): void {
		const storage = this.#options.storage;
		if (!storage || !this.#key) return;
		try {
			const keep: Saved[] = this.#items.map(({ clientId, text, lang, createdAt }) => ({ clientId, text, lang, createdAt }));
			if (keep.length === 0) storage.removeItem(this.#key);
			else storage.setItem(this.#key, JSON.stringify(keep));
		} catch {
			// Storage full or refused: the messages stay in memory.
		}
	}
}
