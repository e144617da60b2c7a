import { m } from '$lib/paraglide/messages.js';
import type { ConnectionStatus } from '$lib/client/space-connection.svelte';
import { isolate } from '$lib/components/names';

/** Translators by their own names (brands are not translated). */
export function providerName(provider: string): string {
	if (provider === 'apertium') return 'Apertium';
	if (provider === 'libretranslate') return 'LibreTranslate';
	return provider;
}

/** "Ana is typing…", "Ana and Ben are typing…", or "Several people are typing…"; empty when nobody is. */
export function typingText(names: string[]): string {
	if (names.length === 0) return '';
	if (names.length === 1) return m.chat_typing_one({ name: isolate(names[0]!) });
	if (names.length === 2) return m.chat_typing_two({ first: isolate(names[0]!), second: isolate(names[1]!) });
	return m.chat_typing_many();
}

export function connectionLabel(status: ConnectionStatus): string {
	switch (status) {
		case 'connecting':
			return m.chat_status_connecting();
		case 'connected':
			return m.chat_status_connected();
		case 'reconnecting':
			return m.chat_status_reconnecting();
		case 'offline':
			return m.chat_status_offline();
		case 'ended':
			return m.chat_status_ended();
	}
}

/** A small text button in a message's line of details (at least 24 px tall, WCAG 2.5.8). */
export const linkButton =
	'inline-flex min-h-6 items-center rounded px-1 font-semibold text-primary underline underline-offset-2 hover:text-primary-hover cursor-pointer';

/** The original language's badge. */
export const badge = 'inline-flex items-center rounded-md border border-line-strong px-1.5 text-xs font-bold tracking-wide text-ink-2';
