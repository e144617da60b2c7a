/**
 * Phone numbers in a text, pure: digits with any punctuation, symbols or spaces between groups ("555·123·4567",
 * "06,12,34,56,78", "555 • 123 • 4567"), digits of any script, and digits written as words in English, Spanish and
 * French, tens included ("seis doce treinta y cuatro...", "zéro six douze trente-quatre..."). Dates, times, spans
 * of years, amounts and lists of small numbers are not phone numbers.
 *
 * Reads text already through `foldLetters` (lower case, no accents, invisibles removed).
 */

/** What may stand between two digits of a number: spaces, punctuation, symbols, bullets — not maths (+ = × < >). */
const SEP = '[\\s\\p{P}\\p{So}\\p{Sk}~\\u2219\\u22C5]';
/** Seven or more digits with at most three separators between any two, optionally after + or 00. */
const PHONE = new RegExp(`(?:\\+|\\b00)?\\d(?:${SEP}{0,3}\\d){6,}`, 'gu');
/** Separators that also stand between separate numbers ("pages 12, 15, 18", "10:30"). */
const WEAK = /[,;:]/;

// Shapes of digits that are not phone numbers, taken out of a candidate before it is judged. Each must not be part
// of a longer chain of digits ("06.12.34.56.78" is not the date "06.12.34").
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:1[89]|20)\\d{2}';
/** One separator throughout: "2024-05-01", "01/05/2024", "1.5.2024", "01/05/24". */
const DATE = `(?:${['-', '/', '\\.'].flatMap((s) => [`${YEAR}${s}${MONTH}${s}${DAY}`, `${DAY}${s}${DAY}${s}${YEAR}`]).join('|')}|${DAY}/${DAY}/\\d{2})`;
const TIME = '(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
const RANGE = '\\s*[-–—]\\s*';
/** With cents ("12,500.00", "1 299,99"), thousands after one digit ("1.000.000", "2 500 000"), round ("68,000,000"). */
const AMOUNT = [',', '\\.', "'", ' ', '\\u00A0', '\\u202F']
	.flatMap((s) => [`\\d{1,3}(?:${s}\\d{3})+[.,]\\d{1,2}`, `\\d(?:${s}\\d{3}){2,}`, `\\d{1,3}(?:${s}000){2,}`])
	.join('|');
const NOT_PHONE = new RegExp(
	`(?<!\\d|\\d[-/.,:])(?:${DATE}(?:${RANGE}${DATE})?|${YEAR}\\s*[-–—/]\\s*(?:${YEAR}|\\d{2})|${TIME}(?:${RANGE}${TIME})?|${AMOUNT})(?![-/.,:]?\\d)`,
	'gu'
);

/** A run of digits the shape of a phone number (after dates, times and amounts are taken out). */
function phoneRun(run: string): boolean {
	const groups = run.match(/\d+/g)!;
	// Years one after another ("2019, 2020, 2021", "2019 2020") are years.
	if (groups.every((g) => /^(?:1[89]|20)\d{2}$/.test(g))) return false;
	// Pieces between commas, colons and semicolons are judged alone: "555-123-4567, 10, 12" has a phone number.
	if (run.split(WEAK).some((piece) => digitCount(piece) >= 7)) return true;
	if (!WEAK.test(run)) return false;
	// Numbers separated by commas are a list ("12, 15, 18, 20"), unless every separator is the same and the groups
	// look like a phone number's: all of three digits or more, or starting with 0 or + ("06,12,34,56,78").
	const seps = run.split(/\d+/).slice(1, -1);
	return seps.every((s) => s === seps[0]) && (/^\+|^\(?0/.test(run) || groups.every((g) => g.length >= 3));
}

function digitCount(s: string): number {
	let n = 0;
	for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
	return n;
}

const NON_ASCII_DIGIT = /(?=\P{ASCII})\p{Nd}/gu;
const DIGIT_VALUE = new Map<string, string>();
/** Digits of other scripts ("٥٥٥", "५५५") as ASCII digits: their blocks run 0 to 9 from the block's first digit. */
function asciiDigits(text: string): string {
	return text.replace(NON_ASCII_DIGIT, (d) => {
		let v = DIGIT_VALUE.get(d);
		if (v === undefined) {
			let start = d.codePointAt(0)!;
			while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
			v = String((d.codePointAt(0)! - start) % 10);
			DIGIT_VALUE.set(d, v);
		}
		return v;
	});
}

/**
 * Number words: how many digits each stands for, and whether it is a ten that the next unit joins ("thirty four" is
 * two digits, "treinta y cuatro" too). Folded like the text (no accents).
 */
const UNITS = 'zero oh one two three four five six seven eight nine cero uno dos tres cuatro cinco seis siete ocho nueve un deux trois quatre cinq sept huit neuf';
const TEENS =
	'ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen diez once doce trece catorce quince dieciseis diecisiete dieciocho diecinueve veintiuno veintidos veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho veintinueve dix onze douze treize quatorze quinze seize';
const TENS = 'twenty thirty forty fifty sixty seventy eighty ninety veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa vingt trente quarante cinquante soixante';
/** "treinta y cuatro", "vingt et un", "forty and two". */
const JOINERS = new Set(['y', 'et', 'and']);
const NUMBER_WORDS = new Map<string, 'unit' | 'teen' | 'ten'>([
	...UNITS.split(' ').map((w) => [w, 'unit'] as const),
	...TEENS.split(' ').map((w) => [w, 'teen'] as const),
	...TENS.split(' ').map((w) => [w, 'ten'] as const),
	['double', 'unit'],
	['triple', 'teen']
]);

/** Seven or more digits in a row written as words, digits mixed in or not: "five five five one 2 3 4". */
function spelledPhone(text: string): boolean {
	let run = 0;
	let spelled = false;
	/** Words after a ten that belong to it ("soixante-dix-huit" is 78). */
	let joining = 0;
	for (const part of text.split(/[^\p{L}\p{N}]+/u)) {
		if (part === '') continue;
		const kind = NUMBER_WORDS.get(part);
		if (/^\d+$/.test(part)) {
			run += part.length;
			joining = 0;
		} else if (kind === 'ten') {
			run += 2;
			spelled = true;
			joining = part === 'soixante' || part === 'vingt' ? 2 : 1;
		} else if (kind) {
			if (joining > 0) joining--;
			else run += kind === 'unit' ? 1 : 2;
			spelled = true;
		} else if (!(JOINERS.has(part) && run > 0)) {
			run = 0;
			spelled = false;
			joining = 0;
		}
		if (run >= 7 && spelled) return true;
	}
	return false;
}

/** Whether a folded text (see `foldLetters`) carries a phone number. */
export function hasPhone(folded: string): boolean {
	const text = /[^\x00-\x7F]/.test(folded) ? asciiDigits(folded) : folded;
	for (const m of text.matchAll(PHONE)) {
		const rest = m[0].replace(NOT_PHONE, ' x ');
		if ([...rest.matchAll(PHONE)].some((r) => phoneRun(r[0]))) return true;
	}
	return spelledPhone(text);
}
