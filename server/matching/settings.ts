import { horizonDay } from './overlap';
import type { MatchingSettings, Weights } from './types';

/**
 * Weights of the score components (each component is in [0, 1], see score.ts). Passions lead; language and
 * availability make a pair work day to day; crossing a border is the program's aim but not at any price.
 */
export const DEFAULT_WEIGHTS: Weights = { passions: 3, language: 2, availability: 2, crossBorder: 1, goals: 1.5, genderPreference: 1 };

/** The program's defaults; a round overrides what its admin changes. */
export const DEFAULT_SETTINGS: MatchingSettings = {
	weights: DEFAULT_WEIGHTS,
	minOverlapHours: 1,
	minSharedLevel: 'conversational',
	translatablePairs: [],
	horizonStart: '2026-01-05',
	horizonWeeks: 12,
	excludedPairs: [],
	skipPairs: [],
	genderPreferenceIsHard: false,
	balance: null
};

/** Throws a RangeError naming the first setting the engine cannot work with. */
export function checkSettings(settings: MatchingSettings): void {
	for (const [name, w] of Object.entries(settings.weights)) if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`weight ${name} must be a finite number ≥ 0`);
	if (!(Number.isFinite(settings.minOverlapHours) && settings.minOverlapHours >= 0)) throw new RangeError('minOverlapHours must be ≥ 0');
	horizonDay(settings.horizonStart);
	if (!Number.isInteger(settings.horizonWeeks) || settings.horizonWeeks < 1 || settings.horizonWeeks > 104) throw new RangeError('horizonWeeks must be a whole number from 1 to 104');
	const share = settings.balance?.maxShareByMentorGender;
	if (share !== undefined && !(share >= 0 && share <= 1)) throw new RangeError('balance.maxShareByMentorGender must be in [0, 1]');
}
