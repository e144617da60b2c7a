/**
 * Pure parts of the formatting toolbar: arrow-key movement (a roving tabindex, as in the WAI-ARIA toolbar
 * pattern), shortcut names for people and for `aria-keyshortcuts`, and what a typed link address means.
 */

/** The index to focus after `key`, or null when the key does not move focus. Arrows follow the reading direction. */
export function rovingIndex({ key, index, count, rtl }: { key: string; index: number; count: number; rtl: boolean }): number | null {
	if (count === 0) return null;
	const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
	const back = rtl ? 'ArrowRight' : 'ArrowLeft';
	switch (key) {
		case forward:
			return (index + 1) % count;
		case back:
			return (index - 1 + count) % count;
		case 'Home':
			return 0;
		case 'End':
			return count - 1;
		default:
			return null;
	}
}

/** A shortcut in Tiptap's notation (`Mod-Shift-b`), as `aria-keyshortcuts` wants it and as people read it. */
export function shortcut(keys: string, mac: boolean): { aria: string; text: string } {
	const parts = keys.split('-');
	const key = parts.pop()!.toUpperCase();
	const aria = parts.map((p) => (p === 'Mod' ? (mac ? 'Meta' : 'Control') : p)).concat(key);
	const shown = parts.map((p) => {
		if (p === 'Mod') return mac ? '⌘' : 'Ctrl';
		if (p === 'Alt') return mac ? '⌥' : 'Alt';
		if (p === 'Shift') return mac ? '⇧' : 'Shift';
		return p;
	});
	return { aria: aria.join('+'), text: mac ? shown.join('') + key : [...shown, key].join('+') };
}

/**
 * A link address as typed: web and mail addresses only. A bare domain gets `https://`; anything else
 * (`javascript:`, `data:`, relative paths) is refused with null.
 */
export function normalizeLink(input: string): string | null {
	const value = input.trim();
	if (value === '' || /\s/.test(value)) return null;
	if (/^mailto:[^@\s]+@[^@\s]+$/i.test(value)) return value;
	if (/^[^@\s/:]+@[^@\s/]+\.[^@\s/]+$/.test(value)) return `mailto:${value}`;
	const candidate = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
	try {
		const url = new URL(candidate);
		if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
		if (!url.hostname.includes('.') && url.hostname !== 'localhost') return null;
		return url.href;
	} catch {
		return null;
	}
}
