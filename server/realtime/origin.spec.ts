import { describe, expect, it } from 'vitest';
import { isAllowedOrigin } from './origin';

const base = { host: 'localhost:3000', configuredOrigin: undefined, allowedOrigins: [] };

describe('origin allow-list', () => {
	it('without ORIGIN, only the same host is allowed', () => {
		expect(isAllowedOrigin({ ...base, origin: 'http://localhost:3000' })).toBe(true);
		expect(isAllowedOrigin({ ...base, origin: 'http://evil.example' })).toBe(false);
		expect(isAllowedOrigin({ ...base, origin: 'http://localhost:3001' })).toBe(false);
	});
	it('with ORIGIN set, the Host header no longer decides', () => {
		const cfg = { ...base, configuredOrigin: 'https://tessera.example' };
		expect(isAllowedOrigin({ ...cfg, origin: 'https://tessera.example' })).toBe(true);
		expect(isAllowedOrigin({ ...cfg, origin: 'http://localhost:3000' })).toBe(false);
	});
	it('ALLOWED_ORIGINS adds exact origins', () => {
		const cfg = { ...base, allowedOrigins: ['https://app.partner.example'] };
		expect(isAllowedOrigin({ ...cfg, origin: 'https://app.partner.example' })).toBe(true);
		expect(isAllowedOrigin({ ...cfg, origin: 'https://partner.example' })).toBe(false);
	});
	it('rejects garbage and non-web schemes', () => {
		expect(isAllowedOrigin({ ...base, origin: 'null' })).toBe(false);
		expect(isAllowedOrigin({ ...base, origin: 'file://localhost:3000' })).toBe(false);
		expect(isAllowedOrigin({ ...base, origin: '' })).toBe(false);
	});
});
