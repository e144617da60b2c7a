import { describe, expect, it } from 'vitest';
import { translationKey } from './cache-key';

const base = { provider: 'libretranslate', source: 'en', target: 'es', text: 'Hello' };

describe('translationKey', () => {
	it('is a stable 64-character hex SHA-256', () => {
		const key = translationKey(base);
		expect(key).toMatch(/^[0-9a-f]{64}$/);
		expect(translationKey({ ...base })).toBe(key);
	});

	it('differs when any one field differs', () => {
		const key = translationKey(base);
		expect(translationKey({ ...base, provider: 'apertium' })).not.toBe(key);
		expect(translationKey({ ...base, source: 'auto' })).not.toBe(key);
		expect(translationKey({ ...base, target: 'pt' })).not.toBe(key);
		expect(translationKey({ ...base, text: 'Hello ' })).not.toBe(key);
	});

	it('cannot be forged by moving a separator between fields', () => {
		expect(translationKey({ ...base, source: 'en|es', target: '' })).not.toBe(translationKey({ ...base, source: 'en', target: '|es' }));
		expect(translationKey({ ...base, target: 'es","x', text: '' })).not.toBe(translationKey({ ...base, target: 'es', text: 'x' }));
	});
});
