import { createHash } from 'node:crypto';

/**
 * The `translations` table's key: SHA-256 (hex) of provider, source, target and text. The fields are
 * JSON-encoded as an array, so no choice of text can make two different requests share a key.
 */
export function translationKey({ provider, source, target, text }: { provider: string; source: string; target: string; text: string }): string {
	return createHash('sha256').update(JSON.stringify([provider, source, target, text])).digest('hex');
}
