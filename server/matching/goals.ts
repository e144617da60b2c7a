/**
 * The program's goal vocabulary. People pick goals from this list; a pair's goal fit is the share of the
 * mentee's goals that the mentor also offers (see score.ts). Each goal has a message key `matching_goal_<goal>`.
 */
import type { UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';

export const GOALS = ['portfolio', 'technique', 'creative_skills', 'language_practice', 'career', 'study', 'confidence', 'collaboration', 'exhibition'] as const;
export type Goal = (typeof GOALS)[number];

const LABELS: Record<Goal, (inputs: Record<string, never>, options: { locale: UiLocale }) => string> = {
	portfolio: m.matching_goal_portfolio,
	technique: m.matching_goal_technique,
	creative_skills: m.matching_goal_creative_skills,
	language_practice: m.matching_goal_language_practice,
	career: m.matching_goal_career,
	study: m.matching_goal_study,
	confidence: m.matching_goal_confidence,
	collaboration: m.matching_goal_collaboration,
	exhibition: m.matching_goal_exhibition
};

export const isGoal = (s: string): s is Goal => (GOALS as readonly string[]).includes(s);

/** A goal's name in the reader's language; a tag outside the list is shown as it is. */
export function goalLabel(goal: string, locale: UiLocale): string {
	return isGoal(goal) ? LABELS[goal]({}, { locale }) : goal;
}
