/**
 * The language a reader is served translations in. Machine translators translate between languages, not
 * regional variants, so readers of `es`, `es-MX` and `es-419` share one translation (and one room); only
 * Chinese keeps its script apart, since Simplified and Traditional are different outputs.
 */
export function translationTarget(tag: string): string {
	try {
		const locale = new Intl.Locale(tag);
		if (locale.language === 'zh') return locale.maximize().script === 'Hant' ? 'zh-Hant' : 'zh';
		return locale.language;
	} catch {
		return tag.split('-')[0]!.toLowerCase();
	}
}

const LANG_ROOM = /^space:([^:]+):lang:(.+)$/;

export const spaceRoom = (spaceId: string) => `space:${spaceId}`;
/** Everyone in the space reading in `target` (a `translationTarget`). */
export const languageRoom = (spaceId: string, target: string) => `space:${spaceId}:lang:${target}`;

export function parseLanguageRoom(room: string): { spaceId: string; target: string } | null {
	const m = LANG_ROOM.exec(room);
	return m ? { spaceId: m[1]!, target: m[2]! } : null;
}

/**
 * Which reading languages are present in each space, kept from the Socket.IO adapter's own room events, so it
 * stays right however a socket leaves a room (leave, disconnect, removal from the space, recovery).
 */
export function createLanguagePresence() {
	const bySpace = new Map<string, Set<string>>();
	return {
		roomCreated(room: string): void {
			const parsed = parseLanguageRoom(room);
			if (!parsed) return;
			let set = bySpace.get(parsed.spaceId);
			if (!set) bySpace.set(parsed.spaceId, (set = new Set()));
			set.add(parsed.target);
		},
		roomDeleted(room: string): void {
			const parsed = parseLanguageRoom(room);
			if (!parsed) return;
			const set = bySpace.get(parsed.spaceId);
			set?.delete(parsed.target);
			if (set?.size === 0) bySpace.delete(parsed.spaceId);
		},
		/** The distinct translation targets of the readers in the space right now. */
		targets(spaceId: string): string[] {
			return [...(bySpace.get(spaceId) ?? [])];
		}
	};
}
