import en from './lists/en.json';
import es from './lists/es.json';
import fr from './lists/fr.json';
import { tokens, words } from './normalize';

/** One listed word or phrase, as written in `lists/<lang>.json`. */
export interface ListTerm {
	text: string;
	action: 'hold' | 'block';
	/** A short code recorded with the verdict (`grooming`, `slur`...). */
	reason: string;
	/** Applied only in spaces with a minor (phrases that are ordinary between adults). */
	minorsOnly?: boolean;
}

export interface WordList {
	terms: ListTerm[];
}

/** A term hit: what to do and why, never the words matched. */
export interface ListHit {
	action: 'hold' | 'block';
	reason: string;
	lang: string;
}

export const SHIPPED_LISTS: Record<string, WordList> = { en: en as WordList, es: es as WordList, fr: fr as WordList };

interface Spelled {
	spellings: string[];
	joined: boolean;
}

interface Compiled {
	words: string[];
	joined: string;
	action: 'hold' | 'block';
	reason: string;
	minorsOnly: boolean;
	lang: string;
}

/** Three or more of one letter in a row ("fuuuck"), for the variants with one and with two. */
const LONG_RUN = /(\p{L})\1{2,}/gu;

/**
 * Chat-speak, read as the word it stands for (a text's word is compared under both): "dont tell ur parents" is
 * "don't tell your parents", "r u alone" is "are you alone", "t'es seule" is "tu es seule". Harmless where a short
 * form is also a word ("yo" in Spanish, "dis" in French): the extra reading only adds a way to match a listed phrase.
 */
const CHAT_SPEAK: Record<string, string[]> = {
	// English
	u: ['you'],
	ya: ['you', 'your'],
	yu: ['you'],
	yo: ['you', 'your'],
	ur: ['your', 'youre'],
	yr: ['your'],
	urself: ['yourself'],
	urslf: ['yourself'],
	yrself: ['yourself'],
	yourslf: ['yourself'],
	r: ['are'],
	pls: ['please'],
	plz: ['please'],
	wat: ['what'],
	wut: ['what'],
	wht: ['what'],
	whr: ['where'],
	hw: ['how'],
	snd: ['send'],
	btwn: ['between'],
	dnt: ['dont'],
	dis: ['this'],
	dat: ['that'],
	n: ['and'],
	// Spanish
	q: ['que'],
	k: ['que'],
	ke: ['que'],
	tas: ['estas'],
	dnd: ['donde'],
	// French
	t: ['tu'],
	koi: ['quoi'],
	kwa: ['quoi']
};
const CHAT_SPEAK_FOLDED = new Map(Object.entries(CHAT_SPEAK).map(([short, long]) => [words(short)[0]!, long.map((w) => words(w)[0]!)]));

/**
 * The spellings a word is compared under: as written, with long letter runs shortened to one and to two, and what
 * it stands for in chat-speak.
 */
function variants(word: string): string[] {
	const chat = CHAT_SPEAK_FOLDED.get(word);
	if (chat) return [word, ...chat];
	// A dropped g: "wearin", "doin".
	if (word.length >= 5 && word.endsWith('in')) return [word, `${word}g`];
	if (!LONG_RUN.test(word)) return [word];
	LONG_RUN.lastIndex = 0;
	return [word, word.replace(LONG_RUN, '$1'), word.replace(LONG_RUN, '$1$1')];
}

/** Does `word` (one spelling of a text's word) stand for `term`? The plain plural counts for longer terms. */
function sameWord(word: string, term: string): boolean {
	return word === term || (term.length >= 4 && word === `${term}s`);
}

/**
 * Compiles word lists into a matcher. A term hits when its words appear as consecutive words of the text (see
 * normalize.ts for what a word is), or when a single word of the text is a whole phrase written without spaces
 * ("sendmeaphoto", or "s e n d m e a p h o t o" once joined). A word spelled out letter by letter also hits
 * when it starts or ends with a term of four letters or more ("f u c k y o u"). Never a substring of an ordinary
 * word: "disputa", "putain" and "Scunthorpe" are not "puta", "puta" and "cunt".
 */
const MEMO_SIZE = 20_000;
const MEMO_MAX_CHARS = 280;

export function createListMatcher(lists: Record<string, WordList> = SHIPPED_LISTS) {
	const compiled: Compiled[] = [];
	const seen = new Set<string>();
	for (const [lang, list] of Object.entries(lists)) {
		for (const t of list.terms) {
			const w = words(t.text);
			if (w.length === 0) continue;
			const key = `${w.join(' ')}\u0000${t.action}\u0000${t.minorsOnly ? 1 : 0}`;
			if (seen.has(key)) continue;
			seen.add(key);
			compiled.push({ words: w, joined: w.join(''), action: t.action, reason: t.reason, minorsOnly: t.minorsOnly === true, lang });
		}
	}

	/** Answers for recent short texts, least recently used first (a Map keeps insertion order). */
	const memo = new Map<string, ListHit[]>();

	// Indexes, so a text is compared with the few terms that could match it rather than with all of them.
	const byFirstWord = new Map<string, Compiled[]>();
	const byJoined = new Map<string, Compiled[]>();
	const spelledOut = compiled.filter((t) => t.joined.length >= 4);
	const index = (map: Map<string, Compiled[]>, key: string, term: Compiled) => {
		const list = map.get(key) ?? [];
		if (!list.includes(term)) list.push(term);
		map.set(key, list);
	};
	for (const term of compiled) {
		const first = term.words[0]!;
		index(byFirstWord, first, term);
		if (first.length >= 4) index(byFirstWord, `${first}s`, term);
		if (term.words.length > 1) index(byJoined, term.joined, term);
	}

	function sequenceAt(term: Compiled, text: Spelled[], i: number): boolean {
		const n = term.words.length;
		if (i + n > text.length) return false;
		for (let j = 1; j < n; j++) if (!text[i + j]!.spellings.some((v) => sameWord(v, term.words[j]!))) return false;
		return true;
	}

	return {
		/** Every term the text hits, strongest first. */
		match({ text, minorsPresent }: { text: string; minorsPresent: boolean }): ListHit[] {
			// People repeat themselves ("thanks!", "see you tomorrow"), and every translation of a phrase is checked
			// too: short texts' answers are remembered.
			if (text.length > MEMO_MAX_CHARS) return matchNow(text, minorsPresent);
			const key = (minorsPresent ? '1' : '0') + text;
			const known = memo.get(key);
			if (known) {
				memo.delete(key);
				memo.set(key, known);
				return known;
			}
			const hits = matchNow(text, minorsPresent);
			memo.set(key, hits);
			if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
			return hits;
		},
		get size(): number {
			return compiled.length;
		}
	};

	function matchNow(text: string, minorsPresent: boolean): ListHit[] {
		const spelled: Spelled[] = tokens(text).map((t) => ({ spellings: variants(t.word), joined: t.joined }));
		if (spelled.length === 0) return [];
		const hit = new Set<Compiled>();
		spelled.forEach(({ spellings, joined }, i) => {
			for (const v of spellings) {
				for (const term of byFirstWord.get(v) ?? []) if (!hit.has(term) && sequenceAt(term, spelled, i)) hit.add(term);
				// A phrase written as one word ("sendmeaphoto").
				for (const term of byJoined.get(v) ?? []) hit.add(term);
				// A word spelled out letter by letter that starts or ends with a term ("f u c k y o u").
				if (joined) for (const term of spelledOut) if (v.length > term.joined.length && (v.startsWith(term.joined) || v.endsWith(term.joined))) hit.add(term);
			}
		});
		return compiled
			.filter((term) => hit.has(term) && (minorsPresent || !term.minorsOnly))
			.map((term) => ({ action: term.action, reason: term.reason, lang: term.lang }))
			.sort((a, b) => (a.action === b.action ? 0 : a.action === 'block' ? -1 : 1));
	}
}

export type ListMatcher = ReturnType<typeof createListMatcher>;
