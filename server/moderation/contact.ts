import { fold, foldLetters, visibleText, words } from './normalize';

/** Which kind of contact detail a text carries; recorded as the reason (`contact_phone`...), never the detail. */
export type ContactKind = 'email' | 'phone' | 'handle' | 'messaging';

/**
 * Email addresses, also written out: "ana (at) gmail (dot) com", "ana at gmail dot com" (a bare " at " only with a
 * spelled-out " dot ", so "look at google.com" and "I'm at school. It..." are not addresses). Read on the visible
 * text with look-alike letters folded, so a Cyrillic "о" does not hide "gmail.cоm".
 */
const TLD = '(?:com|net|org|edu|gov|io|me|co|info|[a-z]{2})\\b';
const EMAIL = [
	new RegExp(`[\\p{L}\\p{N}._%+-]+\\s*(?:@|\\(at\\)|\\[at\\]|\\{at\\})\\s*[\\p{L}\\p{N}-]+(?:(?:\\.|\\s*(?:\\(dot\\)|\\[dot\\]|\\{dot\\})\\s*)[\\p{L}\\p{N}-]+)*(?:\\.|\\s*(?:\\(dot\\)|\\[dot\\]|\\{dot\\})\\s*)${TLD}`, 'iu'),
	new RegExp(`[\\p{L}\\p{N}._%+-]+\\sat\\s[\\p{L}\\p{N}-]+(?:\\sdot\\s[\\p{L}\\p{N}-]+)*\\sdot\\s${TLD}`, 'iu')
];

/** Seven or more digits with spaces, dots, dashes, slashes or brackets between them, optionally after + or 00. */
const PHONE = /(?:\+|\b00)?\(?\d(?:[\s().\-/]{0,3}\d){6,}/gu;
/** Dates and times that look like long digit runs, which are not phone numbers. */
const NOT_PHONE = [
	/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/,
	/^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/,
	// a span of years, "2019-2023"
	/^(?:19|20)\d{2}\s*[-/]\s*(?:19|20)\d{2}$/,
	// an amount with thousands separators that starts with one digit, "1.000.000", "2 500 000"
	/^\d(?:[.,\s]\d{3}){2,}$/
];

/** "@name" at the start of a word (an email's @ has letters before it). */
const HANDLE = /(?:^|[\s(["'¡¿,;:])@[\p{L}\p{N}_.]{2,30}/u;
/** "ig: name", "snap: name", "discord: name#1234" and the like. */
const LABELLED_HANDLE = /\b(?:ig|insta|instagram|snap|snapchat|tiktok|discord|telegram|whatsapp|kik|wechat|skype|facebook|fb|twitter)\s*[:=]\s*@?[\p{L}\p{N}_.#-]{2,40}/iu;

/** Links to messaging apps and profiles. */
const MESSAGING_LINK =
	/\b(?:wa\.me|chat\.whatsapp\.com|api\.whatsapp\.com|t\.me|telegram\.me|telegram\.dog|discord\.gg|discord(?:app)?\.com\/invite|snapchat\.com|instagram\.com|instagr\.am|tiktok\.com|kik\.me|signal\.me|signal\.group|m\.me|messenger\.com|facebook\.com|fb\.com|line\.me|wechat\.com|weixin\.qq\.com|viber\.com|skype\.com|join\.skype\.com)\b/iu;

/** Messaging apps by name, compared as whole folded words ("wh@tsapp" is whatsapp). */
const APP_NAMES = new Set(['whatsapp', 'watsap', 'wasap', 'guasap', 'telegram', 'snapchat', 'instagram', 'insta', 'kik', 'wechat', 'viber', 'tiktok'].map((n) => fold(n)));

/** Digits written as words in English, Spanish and French (folded like the text). */
const DIGIT_WORDS = new Set(
	[
		'zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
		'cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve',
		'zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'sept', 'huit', 'neuf'
	].map((w) => fold(w))
);

function hasPhone(text: string): boolean {
	for (const m of visibleText(text).matchAll(PHONE)) {
		const candidate = m[0].replace(/^[\s(]+|[\s)]+$/g, '');
		if (NOT_PHONE.some((re) => re.test(candidate))) continue;
		return true;
	}
	// Seven or more digits in a row written as words, digits mixed in or not: "five five five one 2 3 4".
	let run = 0;
	let spelled = false;
	for (const part of foldLetters(text).split(/[^\p{L}\p{N}]+/u)) {
		const digits = /^\d+$/.test(part) ? part.length : DIGIT_WORDS.has(fold(part)) ? 1 : 0;
		if (digits === 0) {
			run = 0;
			spelled = false;
			continue;
		}
		run += digits;
		spelled ||= !/^\d+$/.test(part);
		if (run >= 7 && spelled) return true;
	}
	return false;
}

/** The kinds of contact detail in a text, if any. Pure; no text leaves this function. */
export function findContactDetails(text: string): ContactKind[] {
	const found: ContactKind[] = [];
	const r = foldLetters(text);
	if (EMAIL.some((re) => re.test(r))) found.push('email');
	if (hasPhone(text)) found.push('phone');
	if (HANDLE.test(r) || LABELLED_HANDLE.test(r)) found.push('handle');
	if (MESSAGING_LINK.test(r) || words(text).some((w) => APP_NAMES.has(w))) found.push('messaging');
	return found;
}
