import { z } from 'zod';
import { email } from '../accounts/validation';
import { cleanText } from '../text';
import { CONSENT_PURPOSES } from './consent';

export const consentPurpose = z.enum(CONSENT_PURPOSES, { error: 'purpose_invalid' });

/** `POST /api/v1/me/consents`. */
export const grantInput = z.object({ purpose: consentPurpose });

/** `POST /api/v1/me/consents/guardian`: a new link; without names, to the guardian asked last time. */
export const guardianRequestInput = z.object({
	guardianName: cleanText({ min: 1, max: 80, code: 'guardian_name_invalid' }).optional(),
	guardianEmail: email.optional()
});

/** Why an admin acts for a guardian: which written request, in a few words. Required: it goes into the audit log. */
const adminReason = cleanText({ max: 500, code: 'details_too_long', multiline: true }).refine((s) => s.length > 0, { error: 'required' });

/** `POST /api/v1/admin/users/:id/guardian`: another guardian decides for this child. */
export const replaceGuardianInput = z.object({
	guardianName: cleanText({ min: 1, max: 80, code: 'guardian_name_invalid' }),
	guardianEmail: email,
	reason: adminReason
});

/** `POST /api/v1/admin/users/:id/consents`: a purpose given back at the guardian's written request. */
export const guardianGrantInput = z.object({ purpose: consentPurpose, reason: adminReason });
