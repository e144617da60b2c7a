/**
 * Text normalization for matching word lists, pure.
 *
 * The approach: both the listed terms and the text go through the same folding, so what is compared is a
 * canonical "skeleton" of each word, never the text as typed.
 *
 * 1. Unicode NFKC (full-width and stylised letters become plain ones), then NFD and every combining mark removed
 *    (accent-insensitive: "cabrón" = "cabron"; this also drops variation selectors and Arabic vowel marks).
 * 2. Invisible format characters are removed (zero-width space/joiners, bidi marks, word joiner and invisible
 *    operators, BOM, soft hyphen, Hangul fillers): "f\u200Buck" is "fuck".
 * 3. Case folding, then homoglyphs: Cyrillic and Greek letters that look Latin become that Latin letter
 *    ("раypal" with a Cyrillic р and а is "paypal").
 * 4. Leetspeak: 0→o, 1/!/|→i, 3→e, 4/@→a, 5/$→s, 7/+→t, 8→b, 9→g. The letter l is folded to i as well,
 *    so "1" matches both readings; this happens on both sides, so listed terms still match themselves. Digits
 *    fold only inside a run that has a letter: "5h1t" is "shit", but "455" (a room, a page) stays a number.
 * 5. Words are split on anything that is not a letter. An apostrophe after a single letter (or "qu") at the
 *    start of a word is an elision and splits it ("d'enculé" is "d" and "encule"); any other apostrophe inside a
 *    word is dropped ("don't" is one word "dont"). Runs of two or more one-letter words are joined into one word: "b a d",
 *    "b.a.d" and "b-a-d" all become "bad" — except runs of only "r" and "u", chat-speak for "are you" ("r u alone").
 *
 * Matching then happens on whole words (a term's words must appear as consecutive words of the text), never on
 * substrings, which is what keeps "class", "assassin", "Scunthorpe", "computadora" or "député" clean. A phrase
 * also matches a joined run spelled out letter by letter ("s e n d m e a p h o t o"), compared as a whole.
 *
 * Digits stay digits for the contact-detail hook, which reads the NFKC text with invisibles removed
 * (`visibleText`), not this skeleton.
 */

const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]/gu;
const MARKS = /\p{M}/gu;

/** Cyrillic and Greek letters (lower case) that look like a Latin letter. */
const HOMOGLYPHS: Record<string, string> = {
	// Cyrillic
	а: 'a', в: 'b', е: 'e', ё: 'e', з: 'e', і: 'i', ї: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'i', ь: 'b', г: 'r',
	// Greek
	α: 'a', β: 'b', γ: 'y', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 's', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
	// Latin look-alikes that NFKC keeps
	ı: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ɩ: 'i', ʀ: 'r', ᴀ: 'a', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ᴋ: 'k', ᴍ: 'm', ᴏ: 'o', ᴘ: 'p', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z', ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'i'
};

/** Digits and symbols used as letters, and the letter l, folded as described above. */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '!': 'i', '|': 'i', l: 'i', '3': 'e', '4': 'a', '@': 'a', '5': 's', $: 's', '7': 't', '+': 't', '8': 'b', '9': 'g' };

// As maps: objects with this many non-identifier keys are slow to look up, and these run on every character.
const HOMOGLYPH_MAP = new Map(Object.entries(HOMOGLYPHS));
const FOLD_MAP = new Map([...Object.entries(HOMOGLYPHS), ...Object.entries(LEET)]);

const ALNUM = /^[\p{L}\p{N}]$/u;
const APOSTROPHES = /['’‘`´ʼ]/g;
const NOT_LETTER = /[^\p{L}]+/u;

/** NFKC text with invisible format characters removed: what a person actually sees. */
export function visibleText(text: string): string {
	return text.normalize('NFKC').replace(INVISIBLE, '');
}

/** Visible text, lower case, without accents, with look-alike letters made Latin; digits and symbols kept. */
export function foldLetters(text: string): string {
	const base = visibleText(text).normalize('NFD').replace(MARKS, '').toLowerCase();
	let out = '';
	for (const c of base) out += HOMOGLYPH_MAP.get(c) ?? c;
	return out;
}

/** Folds one character already lower-cased and without marks. */
function foldChar(c: string): string {
	return FOLD_MAP.get(c) ?? c;
}

const WORDISH = /^[\p{L}\p{N}@$!|+'’]$/u;
const LETTER = /^\p{L}$/u;

// Character classes, with a lookup for ASCII: fold runs on every message, translation and keystroke, and a regular
// expression per character was most of its cost.
const Cls = {
	Letter: 1,
	Digit: 2,
	/** @ and $, which may stand for a letter next to one. */
	Money: 4,
	/** Other characters that may be part of a word: ! | + and apostrophes. */
	Wordish: 8
} as const;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
	const ch = String.fromCharCode(c);
	ASCII_CLASS[c] = (LETTER.test(ch) ? Cls.Letter : 0) | (/\d/.test(ch) ? Cls.Digit : 0) | (ch === '@' || ch === '$' ? Cls.Money : 0) | (WORDISH.test(ch) ? Cls.Wordish : 0);
}
function classOf(c: string): number {
	const code = c.charCodeAt(0);
	if (code < 128) return ASCII_CLASS[code]!;
	if (LETTER.test(c)) return Cls.Letter | Cls.Wordish;
	if (ALNUM.test(c)) return Cls.Digit | Cls.Wordish;
	return WORDISH.test(c) ? Cls.Wordish : 0;
}
const isWordish = (cls: number) => (cls & (Cls.Letter | Cls.Digit | Cls.Wordish)) !== 0;
const isAlnum = (cls: number | undefined) => cls !== undefined && (cls & (Cls.Letter | Cls.Digit)) !== 0;
const isMoneyish = (cls: number | undefined) => cls !== undefined && (cls & (Cls.Letter | Cls.Digit | Cls.Money)) !== 0;

/** For each character: may it stand for a letter (part of a run of word characters with a letter, or alone)? */
function letteredRuns(classes: number[]): boolean[] {
	const out = new Array<boolean>(classes.length).fill(false);
	let start = 0;
	while (start < classes.length) {
		if (!isWordish(classes[start]!)) {
			start++;
			continue;
		}
		let end = start;
		let letter = false;
		for (; end < classes.length && isWordish(classes[end]!); end++) if (classes[end]! & Cls.Letter) letter = true;
		// A lone digit may be a spelled-out letter ("7rash 4 u"); two or more digits with no letter are a number.
		if (letter || end - start === 1) out.fill(true, start, end);
		start = end;
	}
	return out;
}

/** The folded letters of a text: accents, invisibles, case, homoglyphs and leetspeak removed; other characters kept. */
export function fold(text: string): string {
	const chars = [...visibleText(text).normalize('NFD').replace(MARKS, '').toLowerCase()];
	const classes = chars.map(classOf);
	const lettered = letteredRuns(classes);
	let out = '';
	for (let i = 0; i < chars.length; i++) {
		const c = chars[i]!;
		// A number is a number: digits stand for letters in a run that has a letter ("5h1t", "a55"), not in "455".
		if (c >= '0' && c <= '9' && !lettered[i]) {
			out += c;
			continue;
		}
		// A symbol stands for a letter only as part of a word: "sh!t", "k!ll", "a$$", "@ss", "put@"; not "hello!" or "wow!!".
		if (c === '@' || c === '$') {
			if (!isMoneyish(classes[i - 1]) && !isMoneyish(classes[i + 1])) {
				out += c;
				continue;
			}
		} else if (c === '!' || c === '|' || c === '+') {
			if (!isAlnum(classes[i - 1]) || !isAlnum(classes[i + 1])) {
				out += c;
				continue;
			}
		}
		out += foldChar(c);
	}
	// Apostrophes after leetspeak, so "d0n't" is "dont"; NFC because "ß"→"ss" and friends must stay composed.
	return out.replace(APOSTROPHES, apostrophe).normalize('NFC');
}

const isLetter = (c: string) => c !== '' && (classOf(c) & Cls.Letter) !== 0;
/** The whole character that ends at index `end` of `s` (a surrogate pair counts as one), or ''. */
function charBefore(s: string, end: number): string {
	if (end <= 0) return '';
	const low = s.charCodeAt(end - 1);
	return low >= 0xdc00 && low <= 0xdfff && end >= 2 ? s.slice(end - 2, end) : s[end - 1]!;
}
const charAt = (s: string, i: number): string => (i < s.length ? String.fromCodePoint(s.codePointAt(i)!) : '');

/**
 * An apostrophe between two letters: after a single letter (or "qu") at the start of a word it is a French
 * elision and splits the word ("d'abord" is "d abord"); any other is dropped ("don't" is "dont").
 */
function apostrophe(a: string, i: number, s: string): string {
	const prev = charBefore(s, i);
	if (!isLetter(prev) || !isLetter(charAt(s, i + 1))) return a;
	if (!isLetter(charBefore(s, i - prev.length)) || (prev === 'u' && s[i - 2] === 'q' && !isLetter(charBefore(s, i - 2)))) return ' ';
	return '';
}

/** A word of a text after folding; `joined` when it was spelled out letter by letter ("b a d", "b.a.d"). */
export interface Token {
	word: string;
	joined: boolean;
}

/** The words of a text after folding, with runs of one-letter words joined ("b a d" → "bad"). */
export function tokens(text: string): Token[] {
	const raw = fold(text).split(NOT_LETTER).filter(Boolean);
	const out: Token[] = [];
	let run: string[] = [];
	const flush = () => {
		// "r u alone": chat-speak for "are you", not a word spelled out.
		if (run.length > 1 && run.every((l) => l === 'r' || l === 'u')) for (const l of run) out.push({ word: l, joined: false });
		else if (run.length > 0) out.push({ word: run.join(''), joined: run.length > 1 });
		run = [];
	};
	for (const w of raw) {
		if ([...w].length === 1) {
			run.push(w);
			continue;
		}
		flush();
		out.push({ word: w, joined: false });
	}
	flush();
	return out;
}

export function words(text: string): string[] {
	return tokens(text).map((t) => t.word);
}

/** The letters of a text after folding, with nothing between them: the term "send me a photo" is "sendmeaphoto". */
export function skeleton(text: string): string {
	return words(text).join('');
}
