import { m } from '$lib/paraglide/messages.js';

/** Whose yes a proposal still waits for, as sentences for the reader (`me`: how they stand to it). */
export function waitingSentences(waitingFor: string[], me: 'mentee' | 'mentor' | 'staff'): string[] {
	const out: string[] = [];
	if (waitingFor.includes(me)) out.push(m.mentorship_waiting_you());
	if (me !== 'mentor' && waitingFor.includes('mentor')) out.push(m.mentorship_waiting_mentor());
	if (me !== 'mentee' && waitingFor.includes('mentee')) out.push(m.mentorship_waiting_mentee());
	if (waitingFor.includes('guardian')) out.push(me === 'mentee' ? m.mentorship_waiting_your_guardian() : m.mentorship_waiting_guardian());
	return out;
}
