import { foldLetters } from './normalize';
import { hasPhone } from './phone';

/** Which kind of contact detail a text carries; recorded as the reason (`contact_phone`...), never the detail. */
export type ContactKind = 'email' | 'phone' | 'handle' | 'messaging';

/*
 * Everything here reads the visible text with accents removed, lower case and look-alike letters folded
 * (`foldLetters`), so a Cyrillic "о" does not hide "gmail.cоm" and "agrégame" is "agregame".
 */

const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';

/**
 * Email addresses, also written out: "ana@gmail.com", "ana (at) gmail (dot) com", "jo[at]gmail[.]com", "ana at gmail
 * dot com", "ana arroba gmail punto com", "léa arobase orange point fr", and an address at a known provider without
 * its ending ("jo@gmail", "jo at hotmail"). A bare " at " needs a written-out dot or a known provider, so "look at
 * google.com" and "I'm at school. It..." are not addresses; a written-out dot needs a real ending, so "at this point
 * in the story" is not one either.
 */
const LOCAL = '[\\p{L}\\p{N}._%+-]+';
const LABEL = '[\\p{L}\\p{N}-]+';
const AT_BRACKETED = '[([{<]\\s*(?:at|@|arroba|arobase)\\s*[)\\]}>]';
const AT_WORD = '\\s+(?:at|arroba|arobase)\\s+';
const DOT_TIGHT = '\\.';
const DOT_BRACKETED = '\\s*[([{<]\\s*(?:dot|\\.|punto|point)\\s*[)\\]}>]\\s*';
const DOT_WORD = '\\s+(?:dot|d0t|punto|point)\\s+';
const TLD = `(?:com|net|org|edu|gov|io|me|co|info|[a-z]{2})${NOT_WORD_AFTER}`;
/** Endings that are not also short words in English, Spanish or French ("in", "it", "me", "de"...). */
const SPELLED_TLD = `(?:com|net|org|edu|gov|info|io|fr|es|mx|ar|cl|co|pe|uy|ec|ve|uk|be|ch|ca|pt|br)${NOT_WORD_AFTER}`;
const ANY_DOT = `(?:${DOT_TIGHT}|${DOT_BRACKETED}|${DOT_WORD})`;
const LAST_DOT = `(?:(?:${DOT_TIGHT}|${DOT_BRACKETED})${TLD}|${DOT_WORD}${SPELLED_TLD})`;
/** Providers whose name is no ordinary word: enough after a bare " at ". */
const PROVIDERS = 'gmail|googlemail|hotmail|yahoo|ymail|icloud|protonmail|proton\\.me|gmx|yandex|wanadoo|laposte';
/** Providers that are also words ("orange", "free", "live"): only after "@" or "(at)". */
const PROVIDERS_AFTER_SIGN = `${PROVIDERS}|outlook|live|msn|aol|orange|free|sfr|telefonica|movistar`;
// Each starts at the "@" or the "at", with the address's first part looked for behind it: far fewer places to try
// than starting at every letter of a text.
const BEFORE_AT = '(?<=[\\p{L}\\p{N}._%+-]\\s*)';
const EMAIL = [
	new RegExp(`${BEFORE_AT}(?:@|${AT_BRACKETED})\\s*(?:${LABEL}(?:${ANY_DOT}${LABEL})*${LAST_DOT}|(?:${PROVIDERS_AFTER_SIGN})${NOT_WORD_AFTER})`, 'u'),
	new RegExp(`${BEFORE_AT}${AT_WORD}(?:${LABEL}(?:${ANY_DOT}${LABEL})*(?:${DOT_BRACKETED}${TLD}|${DOT_WORD}${SPELLED_TLD})|(?:${PROVIDERS})${NOT_WORD_AFTER})`, 'u')
];
/** Cheap test first: most texts have no "@" and no "at"/"arroba"/"arobase" word. */
const MAYBE_EMAIL = new RegExp(`@|${NOT_WORD_BEFORE}(?:at|arroba|arobase)${NOT_WORD_AFTER}`, 'u');

/** Links to messaging apps and profiles. */
const MESSAGING_LINK =
	/\b(?:wa\.me|chat\.whatsapp\.com|api\.whatsapp\.com|t\.me|telegram\.me|telegram\.dog|discord\.gg|discord(?:app)?\.com\/invite|snapchat\.com|instagram\.com|instagr\.am|tiktok\.com|kik\.me|signal\.me|signal\.group|m\.me|messenger\.com|facebook\.com|fb\.com|line\.me|wechat\.com|weixin\.qq\.com|viber\.com|skype\.com|join\.skype\.com)\b/iu;

/**
 * Messaging apps and networks by name, in three groups:
 * - named: no ordinary word; naming one is enough ("do you have whatsapp?");
 * - contextual: also a word or a common abbreviation ("snap", "discord", "ig"): with "my", "your", "add me on", a
 *   colon, or next to a handle;
 * - weak: very common words ("line", "signal", "email"): only next to a handle ("line: jo_99", "my email is
 *   jo.smith12") or after "add me on".
 */
const NAMED = ['whatsapp', 'whatsap', 'watsap', 'watsapp', 'wasap', 'wassap', 'guasap', 'wsp', 'wpp', 'telegram', 'snapchat', 'instagram', 'insta', 'kik', 'wechat', 'viber', 'tiktok', 'tik tok', 'skype', 'omegle', 'facetime'];
const CONTEXTUAL = ['snap', 'sc', 'ig', 'discord', 'tg', 'wa', 'fb', 'facebook', 'twitter'];
const WEAK = ['line', 'signal', 'dc', 'messenger', 'threads', 'email', 'e-mail', 'mail', 'gmail', 'hotmail', 'outlook', 'correo', 'courriel'];
const EMAIL_LABELS = ['email', 'e-mail', 'mail', 'gmail', 'hotmail', 'outlook', 'correo', 'courriel'];

/** Letters and the digits and symbols that stand for them ("wh@tsapp", "d1sc0rd", "$nap"). */
const LEET_CLASS: Record<string, string> = { a: '[a4@]', b: '[b8]', e: '[e3]', g: '[g9]', i: '[i1!|]', l: '[l1|!]', o: '[o0]', s: '[s5$]', t: '[t7+]' };
const leet = (name: string) => [...name].map((c) => LEET_CLASS[c] ?? (c === ' ' ? '\\s?' : c)).join('');
/** A name spelled out with something between every letter ("w h a t s a p p", "w.h.a.t.s.a.p.p"). */
const spelledOut = (name: string) => [...name.replace(/[\s-]/g, '')].map((c) => LEET_CLASS[c] ?? c).join('[\\s._*·-]+');
const APP = `(?:${[...NAMED, ...CONTEXTUAL, ...WEAK].map(leet).join('|')})`;
const APP_MENTION = new RegExp(`${NOT_WORD_BEFORE}${APP}${NOT_WORD_AFTER}`, 'gu');
const NAMED_ONLY = new RegExp(`^(?:${NAMED.map(leet).join('|')})$`, 'u');
const WEAK_ONLY = new RegExp(`^(?:${WEAK.map(leet).join('|')})$`, 'u');
const EMAIL_LABEL = new RegExp(`^(?:${EMAIL_LABELS.map(leet).join('|')})$`, 'u');
/** Three one-letter words in a row: the only texts where a name spelled out letter by letter is looked for. */
const SPELLED_OUT = /(?<![\p{L}\p{N}])\p{L}[\s._*·-]+\p{L}[\s._*·-]+\p{L}(?![\p{L}\p{N}])/u;
const NAMED_SPELLED_OUT = new RegExp(`${NOT_WORD_BEFORE}(?:${NAMED.map(spelledOut).join('|')})${NOT_WORD_AFTER}`, 'u');

/** A word that could be a handle or an address: "jo.smith12", "lea_2010", "jo#1234", "@ana". */
const TOKEN = '(@?[\\p{L}\\p{N}_]+(?:[._#-][\\p{L}\\p{N}_]+)*)';
/** A token that looks like a handle and not like a word: has a letter, and a digit, "_", ".", "#" or a leading "@". */
function handleLike(token: string | undefined): boolean {
	if (!token || token.length < 3 || /^\d/.test(token)) return false;
	return /\p{L}/u.test(token) && (token.startsWith('@') || /[\d_.#]/.test(token));
}

// What stands right after an app's name, read from where the name ends.
/** "snap: jo", "ig = @ana", "discord -> jo#1234". */
const LABELLED = new RegExp(`(?:\\s+me)?\\s*(?:[:=]|->|=>|→)\\s*${TOKEN}`, 'uy');
/** After "my snap": "is jo.smith12", "es ana", "c'est lea", ": jo#1234", or the handle itself. */
const COPULA_TOKEN = new RegExp(`\\s*(?:(?:is|iz|es|est|c['’]?est)\\s|[:=]|->|→)?\\s*${TOKEN}`, 'uy');
const SPACE_TOKEN = new RegExp(`\\s+${TOKEN}`, 'uy');

// What stands right before it, read on the few words before the name.
const BEFORE = 40;
const POSSESSIVE = new RegExp(`${NOT_WORD_BEFORE}(?:my|mi|mis|mon|ma|mes)\\s+$`, 'u');
/** "I'm lea_2010 on insta". */
const TOKEN_ON = new RegExp(`${TOKEN}\\s+(?:on|en|sur|in)\\s+$`, 'u');
/** Asking to be contacted on an app: "add me on snap", "hmu on discord", "agrégame al discord", "ajoute-moi sur snap". */
const REQUEST = new RegExp(
	[
		'(?:(?:add|follow|text|dm|pm|message|msg|call|find|ping|snap|hit|reach|talk to|chat with|write to)\\s+me(?:\\s+up)?|hmu)\\s+(?:on|at|in|via|thru|through|over)\\s+(?:my\\s+)?',
		'(?:agregame|agrega|anademe|sigueme|escribeme|hablame|llamame|buscame|contactame|mandame\\s+(?:un\\s+)?(?:mensaje|msj|md|dm))\\s+(?:en|por|al|a)\\s+(?:el\\s+|mi\\s+)?',
		'(?:ajoute|rajoute|suis|ecris|contacte|parle|appelle|envoie|retrouve|add)[\\s-]*(?:moi|mwa|mw)?\\s+(?:sur|par|en|via)\\s+(?:mon\\s+|ma\\s+)?'
	]
		.map((p) => `${NOT_WORD_BEFORE}${p}$`)
		.join('|'),
	'u'
);
/** Asking for someone's account: "what's your snap", "do u have discord", "tienes snap?", "t'as snap ?", "ton insta". */
const ASKING = new RegExp(
	`${NOT_WORD_BEFORE}(?:your|ur|yr|have|got|are you on|r u on|u on|you on|tu|tus|su|tienes|tenes|estas en|t['’]?as|as-tu|ton|ta|tes|votre|vos|t['’]?es sur)\\s+(?:a\\s+|an\\s+|un\\s+|una\\s+|une\\s+)?$`,
	'u'
);

/** "add me: jo_smith12", "add me jo.smith12" with no app named. */
const ADD_ME = new RegExp(`${NOT_WORD_BEFORE}(?:add|follow|dm|text|agregame|sigueme|ajoute[\\s-]*moi)(?:\\s+me)?(?:\\s*[:=]\\s*|\\s+)${TOKEN}`, 'gu');
/** A Discord tag: "jo#1234". */
const DISCORD_TAG = /[\p{L}\p{N}_.]{2,32}#\d{4}(?!\d)/u;
/** "@name" at the start of a word (an email's @ has letters before it). */
const AT_HANDLE = /(?:^|[\s(["'¡¿,;:])@[\p{L}\p{N}_.]{2,30}/u;

/** Sticky match of `re` in `text` at `at`. */
function stickyAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
	re.lastIndex = at;
	return re.exec(text);
}

/** Handles, and apps named where they say "find me there". */
function handles(r: string, found: Set<ContactKind>): void {
	if ((r.includes('@') && AT_HANDLE.test(r)) || (r.includes('#') && DISCORD_TAG.test(r))) found.add('handle');
	if (SPELLED_OUT.test(r) && NAMED_SPELLED_OUT.test(r)) found.add('messaging');
	for (const m of r.matchAll(ADD_ME)) if (handleLike(m[1])) found.add('handle');
	for (const m of r.matchAll(APP_MENTION)) {
		const app = m[0];
		if (NAMED_ONLY.test(app)) {
			found.add('messaging');
			continue;
		}
		const weak = WEAK_ONLY.test(app);
		const kind: ContactKind = EMAIL_LABEL.test(app) ? 'email' : 'handle';
		const end = m.index + app.length;
		const before = r.slice(Math.max(0, m.index - BEFORE), m.index);
		const labelled = stickyAt(LABELLED, r, end);
		if (labelled && (!weak || handleLike(labelled[1]))) found.add(kind);
		if (handleLike(stickyAt(SPACE_TOKEN, r, end)?.[1]) || handleLike(TOKEN_ON.exec(before)?.[1])) found.add(kind);
		if (POSSESSIVE.test(before)) {
			if (handleLike(stickyAt(COPULA_TOKEN, r, end)?.[1])) found.add(kind);
			else if (!weak) found.add('messaging');
		}
		if (REQUEST.test(before) || (!weak && ASKING.test(before))) found.add('messaging');
	}
}

/** The kinds of contact detail in a text, if any. Pure; no text leaves this function. */
export function findContactDetails(text: string): ContactKind[] {
	const r = foldLetters(text);
	const found = new Set<ContactKind>();
	if (MAYBE_EMAIL.test(r) && EMAIL.some((re) => re.test(r))) found.add('email');
	if (hasPhone(r)) found.add('phone');
	handles(r, found);
	if (MESSAGING_LINK.test(r)) found.add('messaging');
	return (['email', 'phone', 'handle', 'messaging'] as const).filter((k) => found.has(k));
}
