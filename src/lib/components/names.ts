/**
 * People's names and space titles come in any script. Shown inside a sentence or next to other text, they are
 * isolated (`<bdi>`, `dir="auto"`, or these helpers) so a right-to-left name cannot reorder the words around it,
 * and a name made of invisible direction marks cannot reorder the page.
 */

const FSI = '\u2068';
const PDI = '\u2069';

/** For plain-text places where markup cannot go, like the document title: the text in a first-strong isolate. */
export function isolate(text: string): string {
	return `${FSI}${text}${PDI}`;
}

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The first character as people see it (a whole emoji, flag or accented letter), upper-cased for an avatar. */
export function initial(name: string): string {
	const trimmed = name.trim();
	const first = segmenter ? segmenter.segment(trimmed)[Symbol.iterator]().next().value?.segment : Array.from(trimmed)[0];
	if (!first) return '';
	const upper = first.toUpperCase();
	// "ß" would become "SS": keep one letter.
	return Array.from(upper).length === Array.from(first).length ? upper : first;
}

/** A private-use character no message contains, to find where a name goes in a translated sentence. */
const SLOT = '\uE000';

/** A sentence split around the name it mentions: `[before, after]`, or `[sentence, '']` if it does not. */
export function aroundName(sentence: (name: string) => string): [string, string] | [string] {
	const parts = sentence(SLOT).split(SLOT);
	return parts.length >= 2 ? [parts[0]!, parts.slice(1).join('')] : [parts[0]!];
}
