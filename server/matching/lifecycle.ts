/**
 * A mentorship's life, as pure rules: which transitions exist and who may make them. The service checks these before
 * it writes, and answers 409 `matching_illegal_transition` for a move the state does not allow.
 *
 *   draft ──publish──▶ proposed ──all said yes──▶ active ◀──resume── paused
 *     │                   │                        │  ──pause──▶      │
 *     └─(round discarded) └──decline──▶ ended      ├──complete──▶ completed ◀──complete──┘
 *                                                  └──end (staff)──▶ ended ◀──end (staff)── (paused, proposed)
 */

export type MentorshipStatus = 'draft' | 'proposed' | 'active' | 'paused' | 'completed' | 'ended';
export const LIVE_STATUSES = ['proposed', 'active', 'paused'] as const satisfies readonly MentorshipStatus[];

export type Transition = 'publish' | 'accept' | 'decline' | 'activate' | 'pause' | 'resume' | 'complete' | 'end';

const TO: Record<Transition, { from: readonly MentorshipStatus[]; to: MentorshipStatus }> = {
	publish: { from: ['draft'], to: 'proposed' },
	// Accepting records a yes; the mentorship stays proposed until every yes is in (then `activate`).
	accept: { from: ['proposed'], to: 'proposed' },
	decline: { from: ['proposed'], to: 'ended' },
	activate: { from: ['proposed'], to: 'active' },
	pause: { from: ['active'], to: 'paused' },
	resume: { from: ['paused'], to: 'active' },
	complete: { from: ['active', 'paused'], to: 'completed' },
	end: { from: ['proposed', 'active', 'paused'], to: 'ended' }
};

/** The state after `transition`, or null when `from` does not allow it. */
export function next(from: MentorshipStatus, transition: Transition): MentorshipStatus | null {
	const rule = TO[transition];
	return rule.from.includes(from) ? rule.to : null;
}

export function isLive(status: MentorshipStatus): boolean {
	return (LIVE_STATUSES as readonly string[]).includes(status);
}

/** How the caller stands to a mentorship. */
export type Standing = 'mentee' | 'mentor' | 'staff' | 'none';

export function standingOf(m: { menteeId: string; mentorId: string }, user: { id: string; role: string }): Standing {
	if (m.menteeId === user.id) return 'mentee';
	if (m.mentorId === user.id) return 'mentor';
	if (user.role === 'admin' || user.role === 'moderator') return 'staff';
	return 'none';
}

/**
 * Who may do what: the pair accepts or declines for themselves and pauses, resumes and completes together (either of
 * them); only staff end a mentorship (with a reason, `report` among them); staff read but do not act as the pair.
 */
export function mayAct(standing: Standing, transition: Transition): boolean {
	switch (transition) {
		case 'accept':
		case 'decline':
		case 'pause':
		case 'resume':
		case 'complete':
			return standing === 'mentee' || standing === 'mentor';
		case 'end':
			return standing === 'staff';
		case 'publish':
		case 'activate':
			return false;
	}
}

/** Reasons staff may give for ending a mentorship. `report`: the pair is never proposed again. */
export const END_REASONS = ['report', 'safeguarding', 'program', 'inactive', 'other'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Every yes the mentorship needs is in: the mentor's, the mentee's, and the guardian's when one decides for the mentee. */
export function readyToActivate(m: { mentorAcceptedAt: Date | null; menteeAcceptedAt: Date | null; guardianRequired: boolean; guardianApprovedAt: Date | null }): boolean {
	return m.mentorAcceptedAt !== null && m.menteeAcceptedAt !== null && (!m.guardianRequired || m.guardianApprovedAt !== null);
}
