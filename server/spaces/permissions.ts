export type SpaceRole = 'owner' | 'member' | 'observer' | 'supervisor';
export type SpaceKind = 'pair' | 'collective';

/**
 * Who may create invite links, and for which role: participants invite participants; only the owner or a
 * supervisor may let an observer in, since an observer watches someone else's (often a minor's) work.
 */
export function canInvite(role: SpaceRole | null, inviteRole: 'member' | 'observer' = 'member'): boolean {
	if (inviteRole === 'observer') return role === 'owner' || role === 'supervisor';
	return role === 'owner' || role === 'member' || role === 'supervisor';
}

/** Members and owners write; observers and supervisors read (supervisors act through moderation tools). */
export function canWrite(role: SpaceRole | null): boolean {
	return role === 'owner' || role === 'member';
}

export function canRead(role: SpaceRole | null): boolean {
	return role !== null;
}

/** A pair is two participants; observers and supervisors do not count towards that. */
export function hasRoomFor({ kind, participants, joiningRole }: { kind: SpaceKind; participants: number; joiningRole: SpaceRole }): boolean {
	if (kind === 'collective') return true;
	if (joiningRole === 'observer' || joiningRole === 'supervisor') return true;
	return participants < 2;
}

export type InviteState = 'valid' | 'expired' | 'used_up' | 'revoked';

export function inviteState(
	invite: { expiresAt: Date; maxUses: number | null; uses: number; revokedAt: Date | null },
	now: Date
): InviteState {
	if (invite.revokedAt) return 'revoked';
	if (now.getTime() >= invite.expiresAt.getTime()) return 'expired';
	if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used_up';
	return 'valid';
}
