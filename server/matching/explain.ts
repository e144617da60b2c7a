/**
 * Explanations in the reader's UI language: one short phrase per part ("Both love mural painting", "4 h/week
 * overlap", "Spanish ↔ English with translation", "different countries"). Language names come from
 * Intl.DisplayNames and numbers and lists from Intl.NumberFormat and Intl.ListFormat, all in the reader's locale;
 * the phrases from the message catalog (keys `matching_explain_*`, goals `matching_goal_*`).
 */
import { isUiLocale, type UiLocale } from '../../src/lib/i18n/locales';
import * as m from '../../src/lib/paraglide/messages.js';
import { goalLabel } from './goals';
import type { ExplanationPart } from './types';

/** At most this many passions, related pairs or goals are named in one phrase. */
const LISTED = 3;

/** The UI locale for a reader's language tag ("es-MX" reads Spanish; anything unknown reads English). */
export function uiLocaleOf(tag: string): UiLocale {
	const lower = tag.toLowerCase();
	if (isUiLocale(lower)) return lower;
	const base = lower.split('-')[0];
	return isUiLocale(base) ? base : 'en';
}

/** One phrase per part, in the reader's language. */
export function explain(parts: readonly ExplanationPart[], readerLocale: string): string[] {
	const locale = uiLocaleOf(readerLocale);
	const list = (items: readonly string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(items.slice(0, LISTED));
	const names = new Intl.DisplayNames(locale, { type: 'language' });
	const language = (tag: string) => {
		try {
			return names.of(tag) ?? tag;
		} catch {
			return tag;
		}
	};
	const hours = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
	return parts.flatMap((p): string[] => {
		switch (p.kind) {
			case 'passions': {
				const out: string[] = [];
				if (p.shared.length) out.push(m.matching_explain_passions_shared({ passions: list(p.shared) }, { locale }));
				if (p.related.length)
					out.push(m.matching_explain_passions_related({ pairs: list(p.related.map(([mentee, mentor]) => m.matching_explain_passions_pair({ mentee, mentor }, { locale }))) }, { locale }));
				return out;
			}
			case 'overlap':
				return [m.matching_explain_overlap({ hours: hours.format(p.hoursPerWeek) }, { locale })];
			case 'language':
				return [
					p.via === 'shared'
						? m.matching_explain_language_shared({ language: language(p.shared ?? p.menteeLanguage) }, { locale })
						: m.matching_explain_language_translation({ menteeLanguage: language(p.menteeLanguage), mentorLanguage: language(p.mentorLanguage) }, { locale })
				];
			case 'border':
				return [p.crossBorder ? m.matching_explain_border_cross({}, { locale }) : m.matching_explain_border_same({}, { locale })];
			case 'goals':
				return p.shared.length ? [m.matching_explain_goals({ goals: list(p.shared.map((g) => goalLabel(g, locale))) }, { locale })] : [];
			case 'gender_preference':
				return [p.met ? m.matching_explain_gender_met({}, { locale }) : m.matching_explain_gender_not_met({}, { locale })];
		}
	});
}

/** The whole explanation as one line, phrases separated by " · ". */
export function explanationText(parts: readonly ExplanationPart[], readerLocale: string): string {
	return explain(parts, readerLocale).join(' · ');
}
