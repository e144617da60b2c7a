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
