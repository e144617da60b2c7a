import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime';
import { isolate } from '$lib/components/names';

/** Names for matching's fixed values, in the current UI language. */

const GOAL_LABELS: Record<string, () => string> = {
	confidence: m.matching_ui_goal_confidence,
	creative_skills: m.matching_ui_goal_creative_skills,
	portfolio: m.matching_ui_goal_portfolio,
	language_practice: m.matching_ui_goal_language_practice,
	career: m.matching_ui_goal_career,
	study: m.matching_ui_goal_study,
	collaboration: m.matching_ui_goal_collaboration,
	exhibition: m.matching_ui_goal_exhibition
};

/** A goal tag of the program's list; a tag the catalog does not know yet reads as its words ("open_studio" → "open studio"). */
export function goalLabel(tag: string): string {
	return GOAL_LABELS[tag]?.() ?? tag.replaceAll('_', ' ');
}

/** ISO weekday (1 = Monday … 7 = Sunday) by name in the UI language; 1 January 2024 was a Monday. */
export function dayLabel(day: number): string {
	return new Intl.DateTimeFormat(getLocale(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

export function mentorshipStatusLabel(status: string): string {
	switch (status) {
		case 'proposed':
			return m.mentorship_status_proposed();
		case 'active':
			return m.mentorship_status_active();
		case 'paused':
			return m.mentorship_status_paused();
		case 'completed':
			return m.mentorship_status_completed();
		case 'ended':
			return m.mentorship_status_ended();
		default:
			return m.mentorship_status_draft();
	}
}

/** Why a mentorship ended, as the reader is told it (the pair sees `program` for reasons staff keep to themselves). */
export function endReasonLabel(reason: string): string {
	switch (reason) {
		case 'declined':
			return m.mentorship_reason_declined();
		case 'guardian_declined':
			return m.mentorship_reason_guardian_declined();
		case 'completed':
			return m.mentorship_reason_completed();
		case 'report':
			return m.mentorship_reason_report();
		case 'safeguarding':
			return m.mentorship_reason_safeguarding();
		case 'inactive':
			return m.mentorship_reason_inactive();
		case 'other':
			return m.mentorship_reason_other();
		default:
			return m.mentorship_reason_program();
	}
}

export function roundStatusLabel(status: string): string {
	switch (status) {
		case 'published':
			return m.matching_ui_round_status_published();
		case 'discarded':
			return m.matching_ui_round_status_discarded();
		default:
			return m.matching_ui_round_status_draft();
	}
}

/** How many mentors a constraint ruled out for someone left unmatched, e.g. "No shared language: 2". */
export function ruledOutLabel(code: string, count: number): string {
	switch (code) {
		case 'capacity':
		case 'mentors_full':
			return m.matching_ui_ruled_out_capacity({ count });
		case 'minor_needs_vetted_mentor':
			return m.matching_ui_ruled_out_vetting({ count });
		case 'no_common_language':
			return m.matching_ui_ruled_out_language({ count });
		case 'too_little_overlap':
			return m.matching_ui_ruled_out_overlap({ count });
		case 'ended_by_report':
			return m.matching_ui_ruled_out_report({ count });
		case 'cross_border_preference':
			return m.matching_ui_ruled_out_border({ count });
		case 'gender_preference':
			return m.matching_ui_ruled_out_gender({ count });
		case 'balance':
			return m.matching_ui_ruled_out_balance({ count });
		default:
			return m.matching_ui_ruled_out_other({ count });
	}
}

/** Hours a week in the UI language, with its own plural forms ("1 hour a week", "3.5 hours a week"). */
export function hoursPerWeek(hours: number): string {
	const n = new Intl.NumberFormat(getLocale(), { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(hours);
	return m.matching_ui_hours_per_week({ hours: n });
}

/** A length of time in minutes, e.g. "45 minutes", in the UI language. */
export function minutesLabel(minutes: number): string {
	return new Intl.NumberFormat(getLocale(), { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(minutes);
}

/** A score with two decimals in the UI language's digits. */
export function formatScore(score: number): string {
	return new Intl.NumberFormat(getLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(score);
}

/** A language tag by name in the UI language ("es" → "Spanish"). */
export function languageName(tag: string): string {
	try {
		return new Intl.DisplayNames([getLocale()], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
	} catch {
		return tag;
	}
}

/** A country code by name in the UI language. */
export function countryLabel(code: string): string {
	try {
		return code ? (new Intl.DisplayNames([getLocale()], { type: 'region', fallback: 'code' }).of(code) ?? code) : '';
	} catch {
		return code;
	}
}

/**
 * An IANA zone as people read it: "America/St_Johns" → "America / St Johns", isolated, so that in a right-to-left
 * sentence (and where a line breaks inside it) it keeps its own order and its brackets stay around it.
 */
export function zoneLabel(zone: string): string {
	return isolate(zone.replaceAll('_', ' ').replaceAll('/', ' / '));
}
