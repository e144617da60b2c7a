import { m } from '$lib/paraglide/messages.js';

/** Names for the fixed values the server uses, in the current UI language. */
export function spaceKindLabel(kind: string): string {
	return kind === 'collective' ? m.space_kind_collective() : m.space_kind_pair();
}

export function spaceRoleLabel(role: string): string {
	switch (role) {
		case 'owner':
			return m.space_role_owner();
		case 'observer':
			return m.space_role_observer();
		case 'supervisor':
			return m.space_role_supervisor();
		default:
			return m.space_role_member();
	}
}

export function accountRoleLabel(role: string): string {
	switch (role) {
		case 'mentor':
			return m.role_mentor();
		case 'moderator':
			return m.role_moderator();
		case 'admin':
			return m.role_admin();
		default:
			return m.role_mentee();
	}
}

/** An account as the admin's list shows it (see accountState in the admin users page). */
export type AccountState = 'active' | 'pending_consent' | 'suspended' | 'withdrawn';

export function accountStateLabel(state: AccountState): string {
	switch (state) {
		case 'pending_consent':
			return m.admin_status_pending_consent();
		case 'suspended':
			return m.admin_status_suspended();
		case 'withdrawn':
			return m.admin_status_withdrawn();
		default:
			return m.admin_status_active();
	}
}
