import { z } from 'zod';
import { cleanText } from '../text';

export const createSpaceInput = z.object({
	title: cleanText({ min: 1, max: 80, code: 'title_invalid' }),
	kind: z.enum(['pair', 'collective'], { error: 'kind_invalid' }),
	/** A moderator or admin who joins as the space's supervisor; required when a minor creates a space (policy). */
	supervisorId: z.uuid({ error: 'supervisor_invalid' }).optional()
});

export const createInviteInput = z.object({
	role: z.enum(['member', 'observer'], { error: 'role_invalid' }).default('member'),
	/** 1 = single use; null = until it expires. */
	maxUses: z.number({ error: 'invalid_value' }).int().min(1).max(500).nullable().default(1),
	expiresInHours: z.number({ error: 'invalid_value' }).int().min(1).max(24 * 30).optional()
});

export const spaceId = z.uuid({ error: 'not_found' });
/** Invite codes are 32 base64url characters (192 bits). */
export const inviteCode = z.string().regex(/^[A-Za-z0-9_-]{32}$/, { error: 'not_found' });
