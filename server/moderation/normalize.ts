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
 *    "b.a.d" and "b-a-d" all become "bad".
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

const ALNUM = /^[\p{L}\p{N}]$/u;
const MONEYISH = /^[\p{L}\p{N}@$]$/u;
const APOSTROPHE_IN_WORD = /(?<=\p{L})['’‘`´ʼ](?=\p{L})/gu;
/** French (and Catalan, Italian) elision: "d'", "l'", "qu'" before a word are words of their own. */
const ELISION = /(?<!\p{L})(\p{L}|qu)['’‘`´ʼ](?=\p{L})/gu;
const NOT_LETTER = /[^\p{L}]+/u;

/** NFKC text with invisible format characters removed: what a person actually sees. */
export function visibleText(text: string): string {
	return text.normalize('NFKC').replace(INVISIBLE, '');
}

/** Visible text, lower case, without accents, with look-alike letters made Latin; digits and symbols kept. */
export function foldLetters(text: string): string {
	const base = visibleText(text).normalize('NFD').replace(MARKS, '').toLowerCase();
	let out = '';
	for (const c of base) out += HOMOGLYPHS[c] ?? c;
	return out;
}

/** Folds one character already lower-cased and without marks. */
function foldChar(c: string): string {
	return HOMOGLYPHS[c] ?? LEET[c] ?? c;
}

const WORDISH = /^[\p{L}\p{N}@$!|+'’]$/u;
const LETTER = /^\p{L}$/u;

/** For each character: may it stand for a letter (part of a run of word characters with a letter, or alone)? */
function letteredRuns(chars: string[]): boolean[] {
	const out = new Array<boolean>(chars.length).fill(false);
	let start = 0;
	while (start < chars.length) {
		if (!WORDISH.test(chars[start]!)) {
			start++;
			continue;
		}
		let end = start;
		let letter = false;
		for (; end < chars.length && WORDISH.test(chars[end]!); end++) if (LETTER.test(chars[end]!)) letter = true;
		// A lone digit may be a spelled-out letter ("7rash 4 u"); two or more digits with no letter are a number.
		if (letter || end - start === 1) out.fill(true, start, end);
		start = end;
	}
	return out;
}

/** The folded letters of a text: accents, invisibles, case, homoglyphs and leetspeak removed; other characters kept. */
export function fold(text: string): string {
	const chars = [...visibleText(text).normalize('NFD').replace(MARKS, '').toLowerCase()];
	const lettered = letteredRuns(chars);
	let out = '';
	chars.forEach((c, i) => {
		// A number is a number: digits stand for letters in a run that has a letter ("5h1t", "a55"), not in "455".
		if (c >= '0' && c <= '9' && !lettered[i]) return void (out += c);
		// A symbol stands for a letter only as part of a word: "sh!t", "k!ll", "a$$", "@ss", "put@"; not "hello!" or "wow!!".
		if (c === '@' || c === '$') {
			if (!MONEYISH.test(chars[i - 1] ?? '') && !MONEYISH.test(chars[i + 1] ?? '')) return void (out += c);
		} else if (c === '!' || c === '|' || c === '+') {
			if (!ALNUM.test(chars[i - 1] ?? '') || !ALNUM.test(chars[i + 1] ?? '')) return void (out += c);
		}
		out += foldChar(c);
	});
	// Apostrophes after leetspeak, so "d0n't" is "dont"; NFC because "ß"→"ss" and friends must stay composed.
	return out.replace(ELISION, '$1 ').replace(APOSTROPHE_IN_WORD, '').normalize('NFC');
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
		if (run.length > 0) out.push({ word: run.join(''), joined: run.length > 1 });
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
