import type { ChatMessage, ChatTranslation, TranslationUnavailableReason } from '../../src/lib/protocol/chat';
import type { Logger } from '../logger';
import type { Translator } from '../translate';

export type TranslationOutcome = { ok: true; translation: ChatTranslation } | { ok: false; reason: TranslationUnavailableReason };

interface Job {
	text: string;
	resolve(value: { text: string; provider: string }): void;
	reject(err: unknown): void;
}

/** Texts sent to the translator in one request at most. */
const MAX_BATCH = 50;
/**
 * How long translation requests gather before they go out together. A translation already follows its original
 * by a translator round trip (a machine translator takes 100 ms and more); a few tens of milliseconds more cost
 * readers nothing, while a busy server asks the translator (and runs its HTTP client) once per source and target
 * and window instead of once per message: with six language pairs in use, at most 120 requests a second.
 */
const GATHER_MS = 50;

/**
 * Chat's side of translation: which messages need one, cached lookups for history, and translation of single
 * messages. Translations asked for within GATHER_MS of each other with the same source and target go to the
 * translator as one batch. Never throws: a failure is an outcome with a reason, and never touches the original.
 */
export function createChatTranslations({
	translator,
	logger,
	screen = () => true
}: {
	translator: Translator;
	logger: Logger;
	/** Whether a translation may be delivered (moderation's word lists); one that may not is never handed out. */
	screen?: (message: ChatMessage, translation: ChatTranslation) => boolean;
}) {
	const log = logger.child({ ns: 'chat.translate' });
	let queued = new Map<string, { source: string; target: string; jobs: Job[] }>();
	let scheduled = false;

	function flush(): void {
		scheduled = false;
		const groups = queued;
		queued = new Map();
		for (const { source, target, jobs } of groups.values()) {
			for (let i = 0; i < jobs.length; i += MAX_BATCH) {
				const chunk = jobs.slice(i, i + MAX_BATCH);
				translator.translate({ texts: chunk.map((j) => j.text), source, target }).then(
					({ texts, provider }) => {
						if (texts.length !== chunk.length) {
							const err = new Error(`translator returned ${texts.length} texts for ${chunk.length}`);
							return chunk.forEach((j) => j.reject(err));
						}
						chunk.forEach((j, k) => j.resolve({ text: texts[k]!, provider }));
					},
					(err: unknown) => chunk.forEach((j) => j.reject(err))
				);
			}
		}
	}

	function translateText({ text, source, target }: { text: string; source: string; target: string }) {
		return new Promise<{ text: string; provider: string }>((resolve, reject) => {
			const key = `${source}\u0000${target}`;
			let group = queued.get(key);
			if (!group) queued.set(key, (group = { source, target, jobs: [] }));
			group.jobs.push({ text, resolve, reject });
			if (!scheduled) {
				scheduled = true;
				setTimeout(flush, GATHER_MS);
			}
		});
	}

	function reasonOf(err: unknown): TranslationUnavailableReason {
		const kind = (err as { kind?: unknown } | null)?.kind;
		if (kind === 'unsupported' || kind === 'bad_request') return 'unsupported';
		return 'unavailable';
	}

	const api = {
		/** Whether translation is switched on at all on this server. */
		get enabled(): boolean {
			return translator.provider !== 'none';
		},

		/** Whether a reader of `target` should get a translation of this message. */
		needs(message: ChatMessage, target: string): boolean {
			if (!api.enabled || message.deletedAt || message.held || message.text === '') return false;
			return translator.needsTranslation({ source: message.lang, target });
		},

		/** The translation the translator already has (memory or database), without asking the provider. */
		async cached(message: ChatMessage, target: string): Promise<ChatTranslation | undefined> {
			try {
				const text = await translator.cached({ text: message.text, source: message.lang, target });
				if (text === undefined) return undefined;
				const translation = { messageId: message.id, spaceId: message.spaceId, lang: target, text, provider: translator.provider, editedAt: message.editedAt };
				return screen(message, translation) ? translation : undefined;
			} catch (err) {
				const { kind, name } = (err ?? {}) as { kind?: string; name?: string };
				log.warn({ kind, type: name, messageId: message.id, target }, 'cached translation lookup failed');
				return undefined;
			}
		},

		/** Drops every cached translation of this text, in memory and in the database. */
		forget(text: string): Promise<void> {
			return translator.forget({ texts: [text] });
		},

		/** The translation into `target` if the translator holds it in memory now (so it can go out with the message). */
		ready(message: ChatMessage, target: string): ChatTranslation | undefined {
			if (!api.enabled) return undefined;
			const text = translator.peek({ text: message.text, source: message.lang, target });
			if (text === undefined) return undefined;
			const translation = { messageId: message.id, spaceId: message.spaceId, lang: target, text, provider: translator.provider, editedAt: message.editedAt };
			return screen(message, translation) ? translation : undefined;
		},

		/** Translates one message into `target`; a failure comes back as a reason, never as an exception. */
		async translate(message: ChatMessage, target: string): Promise<TranslationOutcome> {
			if (!api.enabled) return { ok: false, reason: 'off' };
			try {
				const { text, provider } = await translateText({ text: message.text, source: message.lang, target });
				const translation = { messageId: message.id, spaceId: message.spaceId, lang: target, text, provider, editedAt: message.editedAt };
				// Withheld for review: readers are told it is unavailable and keep the original.
				if (!screen(message, translation)) return { ok: false, reason: 'unavailable' };
				return { ok: true, translation };
			} catch (err) {
				const reason = reasonOf(err);
				// Only the error's kind: a translator's error text could quote the message (Apertium takes it in the URL).
				const { kind, status } = (err ?? {}) as { kind?: string; status?: number };
				log.debug({ kind, status, messageId: message.id, source: message.lang, target, chars: message.text.length, reason }, 'translation unavailable');
				return { ok: false, reason };
			}
		}
	};
	return api;
}

export type ChatTranslations = ReturnType<typeof createChatTranslations>;
