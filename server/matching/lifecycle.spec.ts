import { describe, expect, it } from 'vitest';
import { isLive, mayAct, next, readyToActivate, standingOf, type MentorshipStatus, type Transition } from './lifecycle';

const STATUSES: MentorshipStatus[] = ['draft', 'proposed', 'active', 'paused', 'completed', 'ended'];

describe('mentorship lifecycle', () => {
	it('allows exactly the documented moves', () => {
		const allowed: Record<Transition, MentorshipStatus[]> = {
			publish: ['draft'],
			accept: ['proposed'],
			decline: ['proposed'],
			activate: ['proposed'],
			pause: ['active'],
			resume: ['paused'],
			complete: ['active', 'paused'],
			end: ['proposed', 'active', 'paused']
		};
		for (const [t, from] of Object.entries(allowed) as [Transition, MentorshipStatus[]][]) {
			for (const s of STATUSES) expect(next(s, t) !== null, `${t} from ${s}`).toBe(from.includes(s));
		}
		expect(next('active', 'pause')).toBe('paused');
		expect(next('paused', 'resume')).toBe('active');
		expect(next('paused', 'complete')).toBe('completed');
		expect(next('proposed', 'decline')).toBe('ended');
	});

	it('completed and ended are final', () => {
		for (const t of ['publish', 'accept', 'decline', 'activate', 'pause', 'resume', 'complete', 'end'] as Transition[]) {
			expect(next('completed', t)).toBeNull();
			expect(next('ended', t)).toBeNull();
		}
		expect(STATUSES.filter(isLive)).toEqual(['proposed', 'active', 'paused']);
	});

	it('the pair acts for itself; only staff end', () => {
		const m = { menteeId: 'a', mentorId: 'b' };
		expect(standingOf(m, { id: 'a', role: 'mentee' })).toBe('mentee');
		expect(standingOf(m, { id: 'b', role: 'mentor' })).toBe('mentor');
		expect(standingOf(m, { id: 'c', role: 'moderator' })).toBe('staff');
		expect(standingOf(m, { id: 'c', role: 'mentor' })).toBe('none');
		for (const t of ['accept', 'decline', 'pause', 'resume', 'complete'] as Transition[]) {
			expect(mayAct('mentee', t)).toBe(true);
			expect(mayAct('mentor', t)).toBe(true);
			expect(mayAct('staff', t)).toBe(false);
			expect(mayAct('none', t)).toBe(false);
		}
		expect(mayAct('staff', 'end')).toBe(true);
		expect(mayAct('mentee', 'end')).toBe(false);
	});

	it('activates only with every yes, the guardian’s when one decides', () => {
		const now = new Date();
		expect(readyToActivate({ mentorAcceptedAt: now, menteeAcceptedAt: now, guardianRequired: false, guardianApprovedAt: null })).toBe(true);
		expect(readyToActivate({ mentorAcceptedAt: now, menteeAcceptedAt: now, guardianRequired: true, guardianApprovedAt: null })).toBe(false);
		expect(readyToActivate({ mentorAcceptedAt: now, menteeAcceptedAt: now, guardianRequired: true, guardianApprovedAt: now })).toBe(true);
		expect(readyToActivate({ mentorAcceptedAt: null, menteeAcceptedAt: now, guardianRequired: false, guardianApprovedAt: null })).toBe(false);
	});
});
