import type { AccountState } from '$lib/components/labels';

/**
 * What an admin needs to know first about an account: suspension beats waiting for a guardian, and withdrawn
 * participation beats active. (Deleted accounts have no profile left and are not listed.)
 */
export function accountState({ status, withdrawn }: { status: string; withdrawn: boolean }): AccountState {
	if (status === 'suspended') return 'suspended';
	if (status === 'pending_consent') return 'pending_consent';
	return withdrawn ? 'withdrawn' : 'active';
}
