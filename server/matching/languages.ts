/**
 * Can two people talk, and how well?
 *
 * Languages are compared by primary subtag ("pt-BR" and "pt-PT" are both Portuguese). A **shared** language counts
 * when both speak it at `minSharedLevel` or better; among several, the one with the highest lower level wins
 * (then the highest sum, then the first in each person's own list). Without one, the pair may talk **through translation** when the program's
 * translator supports both directions between a language of each ("es|en" and "en|es"); the pair of languages
 * each speaks best is chosen the same way. Otherwise the pair cannot communicate.
 *
 * Score in [0, 1], shared always above translation, and level matters:
 * - shared: 0.55 + 0.15 × (lower level − 1) — basic 0.55, conversational 0.70, fluent 0.85, native 1.00;
 * - translation: 0.30 + 0.05 × (lower level − 1) — 0.30 … 0.45.
 */
import { PairMemo } from './memo';
import type { Language, LanguageLevel, MatchingSettings } from './types';

export const LEVELS: Record<LanguageLevel, number> = { basic: 1, conversational: 2, fluent: 3, native: 4 };

/** By the lower of the two levels, basic … native (the formulas above, written out so that they are exact). */
const SHARED_SCORE = [0.55, 0.7, 0.85, 1];
const TRANSLATION_SCORE = [0.3, 0.35, 0.4, 0.45];

export const primarySubtag = (tag: string) => tag.toLowerCase().split(/[-_]/)[0]!;

export interface LanguageFit {
	via: 'shared' | 'translation';
	/** The shared language (primary subtag), or null through translation. */
	shared: string | null;
	/** The tags each side uses. */
	menteeLanguage: string;
	mentorLanguage: string;
	score: number;
}

/**
 * A person's languages, interned for fast comparison: codes[k] is a primary subtag's number, levels[k] its level.
 * People who list the same languages at the same levels in the same order share one (same id).
 */
export interface SpokenLanguages {
	id: number;
	codes: Int32Array;
	levels: Int8Array;
	tags: readonly string[];
}

/** Language comparison for one run: holds the interned subtags and the translator's pairs. */
export function createLanguageMatcher(settings: Pick<MatchingSettings, 'minSharedLevel' | 'translatablePairs'>) {
	const minLevel = LEVELS[settings.minSharedLevel];
	const codes = new Map<string, number>();
	const code = (subtag: string) => {
		let c = codes.get(subtag);
		if (c === undefined) codes.set(subtag, (c = codes.size));
		return c;
	};
	const directions = new Set<number>();
	const SHIFT = 1 << 16;
	for (const pair of settings.translatablePairs) {
		const [src, tgt] = pair.split('|');
		if (src && tgt) directions.add(code(primarySubtag(src)) * SHIFT + code(primarySubtag(tgt)));
	}
	const translatable = (a: number, b: number) => a !== b && directions.has(a * SHIFT + b) && directions.has(b * SHIFT + a);
	const profiles = new Map<string, SpokenLanguages>();
	const fits = new PairMemo<LanguageFit | null>();

	/** The best pair of languages (i in the mentee's list, j in the mentor's) usable this way, or null. */
	function bestPair(mentee: SpokenLanguages, mentor: SpokenLanguages, via: 'shared' | 'translation'): [number, number] | null {
		let best: [number, number] | null = null;
		let bestKey = 0;
		for (let i = 0; i < mentee.codes.length; i++) {
			for (let j = 0; j < mentor.codes.length; j++) {
				const a = mentee.levels[i]!;
				const b = mentor.levels[j]!;
				const usable = via === 'shared' ? mentee.codes[i] === mentor.codes[j] && a >= minLevel && b >= minLevel : translatable(mentee.codes[i]!, mentor.codes[j]!);
				// Highest lower level, then highest sum; the first such pair in the people's own order stays.
				const key = Math.min(a, b) * 16 + a + b;
				if (usable && key > bestKey) [bestKey, best] = [key, [i, j]];
			}
		}
		return best;
	}

	function computeFit(mentee: SpokenLanguages, mentor: SpokenLanguages): LanguageFit | null {
		const shared = bestPair(mentee, mentor, 'shared');
		const pair = shared ?? bestPair(mentee, mentor, 'translation');
		if (!pair) return null;
		const [i, j] = pair;
		const low = Math.min(mentee.levels[i]!, mentor.levels[j]!);
		return {
			via: shared ? 'shared' : 'translation',
			shared: shared ? primarySubtag(mentee.tags[i]!) : null,
			menteeLanguage: mentee.tags[i]!,
			mentorLanguage: mentor.tags[j]!,
			score: (shared ? SHARED_SCORE : TRANSLATION_SCORE)[low - 1]!
		};
	}

	return {
		compile(languages: readonly Language[]): SpokenLanguages {
			const key = languages.map((l) => `${l.tag}:${l.level}`).join(' ');
			let p = profiles.get(key);
			if (!p) {
				p = {
					id: profiles.size,
					codes: Int32Array.from(languages, (l) => code(primarySubtag(l.tag))),
					levels: Int8Array.from(languages, (l) => LEVELS[l.level]),
					tags: languages.map((l) => l.tag)
				};
				profiles.set(key, p);
			}
			return p;
		},
		/** The best way for the two to talk, or null when they cannot (the same object for the same two profiles). */
		fit(mentee: SpokenLanguages, mentor: SpokenLanguages): LanguageFit | null {
			const known = fits.get(mentee.id, mentor.id);
			return known !== undefined ? known : fits.set(mentee.id, mentor.id, computeFit(mentee, mentor));
		}
	};
}

export type LanguageMatcher = ReturnType<typeof createLanguageMatcher>;

/** The best way for a mentee and a mentor to talk under these settings, or null (a convenience for single pairs). */
export function languageFit(mentee: readonly Language[], mentor: readonly Language[], settings: Pick<MatchingSettings, 'minSharedLevel' | 'translatablePairs'>): LanguageFit | null {
	const matcher = createLanguageMatcher(settings);
	return matcher.fit(matcher.compile(mentee), matcher.compile(mentor));
}
