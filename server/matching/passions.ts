/**
 * Passions are free tags ("Mural painting", "pintura mural", "hip-hop"). Comparing them:
 *
 * 1. **Normalise** both sides alike: NFKC, accents removed, lower case, anything that is not a letter or digit is a
 *    space, spaces collapsed; a few British spellings become American ("watercolour"); each word loses a simple
 *    plural ("paintings" → "painting", "sketches" → "sketch", "stories" → "story"; words ending in -ss, -us, -is
 *    and words of three letters or fewer keep their s).
 * 2. **Tag similarity** `sim(a, b)` in [0, 1]:
 *    - 1 when the normalised tags are equal;
 *    - else, when they share a word (stop words such as "and", "de", "the" aside): 0.5 + 0.4 × J, J the Jaccard
 *      index of their word sets — "oil painting" ~ "mural painting" is 0.5 + 0.4 × 1/3 ≈ 0.63, "painting" ~
 *      "oil painting" 0.7;
 *    - else, when they belong to a common creative family of the built-in taxonomy (visual arts, music, writing,
 *      film and photography, dance, design, games, crafts, theatre — by keyword, a few in Spanish and French):
 *      0.35 — "watercolor" ~ "graffiti";
 *    - else 0.
 * 3. **Passion score** of a pair, mentee-centred: the mean, over the mentee's distinct tags, of the best
 *    similarity to any of the mentor's tags. 0 when the mentee gave none. A mentor who shares every one of the
 *    mentee's passions scores 1, whatever else the mentor loves.
 */
import { PairMemo } from './memo';

const STOP_WORDS = new Set(['a', 'an', 'and', 'or', 'the', 'of', 'for', 'in', 'on', 'with', 'to', 'my', 'de', 'del', 'la', 'el', 'los', 'las', 'y', 'e', 'et', 'le', 'les', 'des', 'du', 'en']);
const SPELLING: Record<string, string> = { watercolour: 'watercolor', colour: 'color', theatre: 'theater', modelling: 'modeling', jewellery: 'jewelry', jewelery: 'jewelry', programme: 'program', favourite: 'favorite', centre: 'center' };
const MARKS = /\p{M}/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/u;

function singular(word: string): string {
	if (word.length <= 3) return word;
	if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
	if (/(?:ss|sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
	if (word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
	return word;
}

/** A tag as compared: see the module comment. */
export function normaliseTag(tag: string): string {
	return tag
		.normalize('NFKC')
		.normalize('NFD')
		.replace(MARKS, '')
		.toLowerCase()
		.split(NOT_WORD)
		.filter(Boolean)
		.map((w) => {
			const one = singular(w);
			return SPELLING[one] ?? one;
		})
		.join(' ');
}

/** A tag as shown: trimmed, inner spaces collapsed, as the person wrote it. */
export const displayTag = (tag: string) => tag.trim().replace(/\s+/g, ' ');

const FAMILY_KEYWORDS: Record<string, string> = {
	visual_arts:
		'art, painting, drawing, sketching, sketch, illustration, mural, watercolor, acrylic, oil painting, sculpture, printmaking, graffiti, street art, comics, manga, anime, calligraphy, portrait, collage, charcoal, pastel, digital art, fine art, pintura, dibujo, ilustracion, escultura, peinture, dessin, bande dessinee',
	music: 'music, guitar, piano, singing, song, songwriting, drums, violin, cello, bass, ukulele, flute, saxophone, rap, hip hop, beatmaking, beats, composing, composition, music production, producing, dj, choir, band, jazz, orchestra, musica, cancion, musique, chant',
	writing: 'writing, creative writing, poetry, poem, fiction, fan fiction, fanfiction, novel, short stories, story, storytelling, journalism, screenwriting, blogging, blog, spoken word, zine, essay, literature, lyrics, escritura, poesia, cuento, ecriture, poesie, roman',
	film: 'film, filmmaking, video, video editing, cinema, movie, animation, stop motion, photography, photo, documentary, editing, vlogging, youtube, camera, cinematography, cine, fotografia, video juego, photographie',
	dance: 'dance, dancing, ballet, breakdance, breaking, contemporary dance, hip hop dance, salsa, tango, choreography, folk dance, kpop dance, tap, danza, baile, danse',
	design: 'design, graphic design, fashion, fashion design, architecture, typography, ux, ui, interior design, product design, logo, branding, web design, 3d modeling, diseno, moda, mode',
	games: 'games, gaming, video games, game design, game development, board games, level design, game art, esports, tabletop, rpg, chess, minecraft, juegos, videojuegos, jeux',
	crafts: 'crafts, knitting, crochet, sewing, ceramics, pottery, weaving, embroidery, woodwork, woodworking, jewelry, origami, papercraft, quilting, leatherwork, glass, beading, macrame, textile, ceramica, artesania, ceramique, couture',
	theatre: 'theater, acting, drama, improv, improvisation, puppetry, circus, stand up, comedy, musical theater, clown, mime, stage, teatro'
};

/** Each family's keywords, normalised like tags; multi-word keywords match as consecutive words. */
const FAMILIES: ReadonlyArray<{ name: string; words: ReadonlySet<string>; phrases: readonly string[] }> = Object.entries(FAMILY_KEYWORDS).map(([name, list]) => {
	const keywords = list.split(',').map((k) => normaliseTag(k));
	return { name, words: new Set(keywords.filter((k) => !k.includes(' '))), phrases: keywords.filter((k) => k.includes(' ')) };
});

/** The creative families of a normalised tag (names, in taxonomy order). */
export function tagFamilies(normalised: string): string[] {
	const words = normalised.split(' ');
	const padded = ` ${normalised} `;
	return FAMILIES.filter((f) => words.some((w) => f.words.has(w)) || f.phrases.some((p) => padded.includes(` ${p} `))).map((f) => f.name);
}

interface TagInfo {
	words: readonly string[];
	families: number;
}

function tagInfo(normalised: string): TagInfo {
	const families = tagFamilies(normalised).reduce((bits, name) => bits | (1 << FAMILIES.findIndex((f) => f.name === name)), 0);
	return { words: [...new Set(normalised.split(' ').filter((w) => w && !STOP_WORDS.has(w)))], families };
}

function similarityOf(a: string, b: string, infoA: TagInfo, infoB: TagInfo): number {
	if (a === b) return 1;
	let common = 0;
	for (const w of infoA.words) if (infoB.words.includes(w)) common++;
	if (common > 0) return 0.5 + (0.4 * common) / (infoA.words.length + infoB.words.length - common);
	return infoA.families & infoB.families ? 0.35 : 0;
}

/** Similarity of two tags as typed (see the module comment). */
export function tagSimilarity(a: string, b: string): number {
	const x = normaliseTag(a);
	const y = normaliseTag(b);
	return similarityOf(x, y, tagInfo(x), tagInfo(y));
}

/** A person's passions, interned: distinct normalised tag ids, with the first spelling the person used for each. */
export interface PassionSet {
	ids: Int32Array;
	shown: readonly string[];
}

export interface PassionMatch {
	score: number;
	/** Mentee tags (as the mentee wrote them) that the mentor has too. */
	shared: string[];
	/** [mentee tag, mentor tag] pairs that are related but not equal, closest first. */
	related: Array<[string, string]>;
}

/** Interned tags and a memo of tag similarities, for one matching run. */
export function createPassionIndex() {
	const ids = new Map<string, number>();
	const tags: string[] = [];
	const infos: TagInfo[] = [];
	const memo = new PairMemo<number>();
	const similarity = (a: number, b: number) => (a === b ? 1 : (memo.get(a, b) ?? memo.set(a, b, similarityOf(tags[a]!, tags[b]!, infos[a]!, infos[b]!))));

	return {
		compile(passions: readonly string[]): PassionSet {
			const out: number[] = [];
			const shown: string[] = [];
			for (const raw of passions) {
				const t = normaliseTag(raw);
				if (!t) continue;
				let id = ids.get(t);
				if (id === undefined) {
					id = tags.length;
					ids.set(t, id);
					tags.push(t);
					infos.push(tagInfo(t));
				}
				if (!out.includes(id)) {
					out.push(id);
					shown.push(displayTag(raw));
				}
			}
			return { ids: Int32Array.from(out), shown };
		},
		/** The passion score only (the hot path of a whole-cohort run). */
		score(mentee: PassionSet, mentor: PassionSet): number {
			const n = mentee.ids.length;
			if (n === 0) return 0;
			let sum = 0;
			for (let i = 0; i < n; i++) {
				let best = 0;
				for (let j = 0; j < mentor.ids.length && best < 1; j++) {
					const s = similarity(mentee.ids[i]!, mentor.ids[j]!);
					if (s > best) best = s;
				}
				sum += best;
			}
			return sum / n;
		},
		/** Score with what is shared and what is related, for an explanation. */
		match(mentee: PassionSet, mentor: PassionSet): PassionMatch {
			const shared: string[] = [];
			const related: Array<{ pair: [string, string]; s: number }> = [];
			let sum = 0;
			for (let i = 0; i < mentee.ids.length; i++) {
				let best = 0;
				let at = -1;
				for (let j = 0; j < mentor.ids.length; j++) {
					const s = similarity(mentee.ids[i]!, mentor.ids[j]!);
					if (s > best) [best, at] = [s, j];
				}
				sum += best;
				if (best === 1) shared.push(mentee.shown[i]!);
				else if (best > 0) related.push({ pair: [mentee.shown[i]!, mentor.shown[at]!], s: best });
			}
			related.sort((x, y) => y.s - x.s);
			return { score: mentee.ids.length ? sum / mentee.ids.length : 0, shared, related: related.map((r) => r.pair) };
		}
	};
}

export type PassionIndex = ReturnType<typeof createPassionIndex>;
