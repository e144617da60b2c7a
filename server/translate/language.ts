/**
 * Language tags. Tessera speaks BCP 47 everywhere (`en`, `pt-BR`, `zh-Hant`); providers get their own codes
 * only inside their modules (see iso639.ts for Apertium, `toLibreTranslateCode` here for LibreTranslate).
 */

/** Tags seen so far and their canonical forms: Intl's parser is slow and chat asks for every message. */
const canonical = new Map<string, string | null>();

/** The canonical form of a BCP 47 tag (`pt-br` → `pt-BR`, `iw` → `he`, `en_US` → `en-US`), or null when it is not one. */
export function normalizeTag(tag: string): string | null {
	const known = canonical.get(tag);
	if (known !== undefined) return known;
	const trimmed = tag.trim().replace(/_/g, '-');
	let result: string | null = null;
	try {
		result = trimmed ? (Intl.getCanonicalLocales(trimmed)[0] ?? null) : null;
	} catch {
		result = null;
	}
	if (canonical.size >= 1000) canonical.clear();
	canonical.set(tag, result);
	return result;
}

/** The primary language subtag, lower case (`pt-BR` → `pt`); the tag itself when it does not parse. */
export function primaryLanguage(tag: string): string {
	const normal = normalizeTag(tag);
	return (normal ?? tag.trim()).split('-')[0]!.toLowerCase();
}

const scripts = new Map<string, string | undefined>();

function script(tag: string): string | undefined {
	if (scripts.has(tag)) return scripts.get(tag);
	let result: string | undefined;
	try {
		result = new Intl.Locale(tag).script;
	} catch {
		result = undefined;
	}
	if (scripts.size >= 1000) scripts.clear();
	scripts.set(tag, result);
	return result;
}

/**
 * Whether a reader of `target` needs a translation of text in `source`: the primary languages differ
 * (`pt-BR` reads `pt` as it is), or both name a script and the scripts differ (`zh-Hans` → `zh-Hant`).
 * A source of 'auto' is unknown, so it needs one; a target that is not a language tag never does.
 */
export function needsTranslation({ source, target }: { source: string; target: string }): boolean {
	const to = normalizeTag(target);
	if (!to) return false;
	if (source.trim().toLowerCase() === 'auto') return true;
	const from = normalizeTag(source);
	if (!from) return true;
	if (primaryLanguage(from) !== primaryLanguage(to)) return true;
	const a = script(from);
	const b = script(to);
	return a !== undefined && b !== undefined && a !== b;
}

/** Whether `tag` names traditional Chinese: `zh-Hant`, or `zh` with a region that writes it (Taiwan, Hong Kong, Macao). */
function isTraditionalChinese(locale: Intl.Locale): boolean {
	if (locale.language !== 'zh') return false;
	if (locale.script) return locale.script === 'Hant';
	return locale.region === 'TW' || locale.region === 'HK' || locale.region === 'MO';
}

/**
 * The LibreTranslate code for a BCP 47 tag. LibreTranslate (Argos) uses primary subtags, with a few
 * exceptions that changed between versions (`zt`/`zh-Hant`, `pb`/`pt-BR`, `zh`/`zh-Hans`); when the server's
 * own codes are known (from /languages), the best one it offers is chosen, else the long-standing code.
 */
export function toLibreTranslateCode(tag: string, offered?: ReadonlySet<string>): string {
	// Asked twice per request to the translator, and Intl's parser is slow: remembered per set of offered codes.
	const memo = offered ? (libreCodes.get(offered) ?? new Map<string, string>()) : libreCodesDefault;
	if (offered && !libreCodes.has(offered)) libreCodes.set(offered, memo);
	const known = memo.get(tag);
	if (known !== undefined) return known;
	const code = libreTranslateCode(tag, offered);
	if (memo.size >= 1000) memo.clear();
	memo.set(tag, code);
	return code;
}

const libreCodes = new WeakMap<ReadonlySet<string>, Map<string, string>>();
const libreCodesDefault = new Map<string, string>();

function libreTranslateCode(tag: string, offered?: ReadonlySet<string>): string {
	let locale: Intl.Locale;
	try {
		locale = new Intl.Locale(normalizeTag(tag) ?? tag);
	} catch {
		return tag.trim().toLowerCase();
	}
	const primary = locale.language;
	const traditional = isTraditionalChinese(locale);
	const candidates = traditional
		? ['zh-Hant', 'zt']
		: primary === 'zh'
			? ['zh', 'zh-Hans']
			: primary === 'pt' && locale.region === 'BR'
				? ['pt-BR', 'pb', 'pt']
				: [locale.toString(), primary];
	if (offered) {
		const byLower = new Map([...offered].map((code) => [code.toLowerCase(), code]));
		for (const candidate of candidates) {
			const code = byLower.get(candidate.toLowerCase());
			if (code) return code;
		}
	}
	return traditional ? 'zt' : primary;
}

/** The BCP 47 tag for a LibreTranslate code (`zt` → `zh-Hant`, `pb` → `pt-BR`). */
export function fromLibreTranslateCode(code: string): string {
	const lower = code.trim().toLowerCase();
	if (lower === 'zt') return 'zh-Hant';
	if (lower === 'pb') return 'pt-BR';
	return normalizeTag(code) ?? lower;
}
