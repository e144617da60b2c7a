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
		/** Returns the space whose languages changed, if any. */
		roomCreated(room: string): string | null {
			const parsed = parseLanguageRoom(room);
			if (!parsed) return null;
			let set = bySpace.get(parsed.spaceId);
			if (!set) bySpace.set(parsed.spaceId, (set = new Set()));
			set.add(parsed.target);
			return parsed.spaceId;
		},
		/** Returns the space whose languages changed, if any. */
		roomDeleted(room: string): string | null {
			const parsed = parseLanguageRoom(room);
			if (!parsed) return null;
			const set = bySpace.get(parsed.spaceId);
			set?.delete(parsed.target);
			if (set?.size === 0) bySpace.delete(parsed.spaceId);
			return parsed.spaceId;
		},
		/** Every space with readers here, and their languages. */
		all(): Record<string, string[]> {
			return Object.fromEntries([...bySpace].map(([spaceId, set]) => [spaceId, [...set]]));
		},
		/** The distinct translation targets of the readers in the space right now. */
		targets(spaceId: string): string[] {
			return [...(bySpace.get(spaceId) ?? [])];
		}
	};
}

/**
 * The reading languages present on the *other* processes, per process and space, as they announce them. A process
 * that stops announcing (it died) is forgotten once its last full list is `ttlMs` old.
 */
export function createRemoteLanguages({ ttlMs }: { ttlMs: number }) {
	const byNode = new Map<string, { at: number; spaces: Map<string, Set<string>> }>();
	function node(nodeId: string, now: number) {
		let n = byNode.get(nodeId);
		if (!n) byNode.set(nodeId, (n = { at: now, spaces: new Map() }));
		return n;
	}
	return {
		/** Everything `nodeId` has now (a full list replaces what was known of it). */
		replace(nodeId: string, spaces: Record<string, string[]>, now: number): void {
			byNode.set(nodeId, { at: now, spaces: new Map(Object.entries(spaces).filter(([, t]) => t.length > 0).map(([s, t]) => [s, new Set(t)])) });
		},
		/** The languages `nodeId` has in one space now (empty: none). */
		update(nodeId: string, spaceId: string, targets: string[], now: number): void {
			const n = node(nodeId, now);
			if (targets.length === 0) n.spaces.delete(spaceId);
			else n.spaces.set(spaceId, new Set(targets));
		},
		drop(nodeId: string): void {
			byNode.delete(nodeId);
		},
		/** The languages other live processes have in the space. */
		targets(spaceId: string, now: number): string[] {
			const out = new Set<string>();
			for (const [id, n] of byNode) {
				if (now - n.at > ttlMs) {
					byNode.delete(id);
					continue;
				}
				for (const t of n.spaces.get(spaceId) ?? []) out.add(t);
			}
			return [...out];
		}
	};
}
