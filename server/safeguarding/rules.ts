import type { Policy } from './policy';

/** Whether someone may take part in spaces now, or the error code that says why not. */
export type Participation = 'ok' | 'consent_pending' | 'consent_withdrawn' | 'account_suspended';

/** A supervisor counts only while their account is an active moderator or admin. */
export function isSupervisor(m: { spaceRole: string; accountRole: string; status: string }): boolean {
	return m.spaceRole === 'supervisor' && m.status === 'active' && (m.accountRole === 'moderator' || m.accountRole === 'admin');
}

/** A space with a minor in it needs a supervising moderator, when the policy says so. */
export function needsSupervisor({ policy, minorPresent, supervisors }: { policy: Pick<Policy, 'supervisedSpacesForMinors'>; minorPresent: boolean; supervisors: number }): boolean {
	return policy.supervisedSpacesForMinors && minorPresent && supervisors === 0;
}

/** True when `leavingUserId` is the last supervisor of a space that still has a minor in it. */
export function lastSupervisorLeaving({ leavingUserId, supervisorIds, minorIds }: { leavingUserId: string; supervisorIds: string[]; minorIds: string[] }): boolean {
	if (!supervisorIds.includes(leavingUserId)) return false;
	const othersSupervising = supervisorIds.some((id) => id !== leavingUserId);
	const minorsStaying = minorIds.some((id) => id !== leavingUserId);
	return minorsStaying && !othersSupervising;
}
