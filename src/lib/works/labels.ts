import { m } from '$lib/paraglide/messages.js';
import type { CreditStyle, WorkDecision, WorkStatus } from '$lib/protocol/exhibitions';

/** A contributor's or guardian's answer, as a word. */
export function decisionLabel(decision: WorkDecision): string {
	switch (decision) {
		case 'granted':
			return m.works_decision_granted();
		case 'declined':
			return m.works_decision_declined();
		case 'withdrawn':
			return m.works_decision_withdrawn();
		default:
			return m.works_decision_pending();
	}
}

/** Where a work stands with the moderators. */
export function workStatusLabel(status: WorkStatus): string {
	switch (status) {
		case 'approved':
			return m.works_status_approved();
		case 'rejected':
			return m.works_status_rejected();
		case 'retracted':
			return m.works_status_retracted();
		default:
			return m.works_status_pending();
	}
}

export function creditLabel(style: CreditStyle): string {
	return style === 'name' ? m.works_credit_name() : style === 'initials' ? m.works_credit_initials() : m.works_credit_anonymous();
}

/** Classes for a `chip` showing an answer: an answer: agreed reads as done, declined and withdrawn as stopped, waiting as waiting. */
export function decisionTone(decision: WorkDecision): string {
	return decision === 'granted' ? 'bg-success-soft text-success' : decision === 'pending' ? 'chip-warm' : 'bg-danger-soft text-danger';
}

/** A credit style as the most a guardian lets their child's credit show (about the child, not the reader). */
export function capLabel(style: CreditStyle): string {
	return style === 'name' ? m.works_cap_name() : style === 'initials' ? m.works_cap_initials() : m.works_cap_anonymous();
}

/** The guardian's cap inside a sentence addressed to the child ("at most: your initials"). */
export function capLevel(style: CreditStyle): string {
	return style === 'name' ? m.works_cap_level_name() : style === 'initials' ? m.works_cap_level_initials() : m.works_cap_level_anonymous();
}
