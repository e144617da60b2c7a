import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './forms.server';

describe('safeRedirectPath', () => {
	it.each([
		// Normalise to the protocol-relative `//evil.example`.
		'/.//evil.example',
		'/x/..//evil.example',
		'/%2e//evil.example',
		'/%2E//evil.example',
		'/./..//evil.example',
		// Other hosts, schemes and look-alikes.
		'https://evil',
		'//evil',
		'/\\evil',
		'/\\/evil',
		'\\\\evil',
		'/x\\y',
		'javascript:alert(1)',
		'http:/evil',
		'evil.example',
		'',
		// Browsers drop tabs and newlines inside URLs, so these would become `//evil`.
		'/\t/evil',
		'/\n/evil',
		'/\r/evil',
		'/x\u0000',
		'/x\u007f'
	])('refuses %j', (target) => {
		expect(safeRedirectPath(target)).toBeNull();
	});

	it('refuses nothing at all', () => {
		expect(safeRedirectPath(null)).toBeNull();
		expect(safeRedirectPath(undefined)).toBeNull();
	});

	it.each([
		['/', '/'],
		['/spaces?x=1', '/spaces?x=1'],
		['/invite/abc', '/invite/abc'],
		['/spaces/123#members', '/spaces/123#members'],
		['/?saved', '/?saved'],
		// Harmless dot segments are tidied, not refused.
		['/a/./b/../c', '/a/c']
	])('keeps %j as %j', (target, expected) => {
		expect(safeRedirectPath(target)).toBe(expected);
	});

	it('whatever it returns stays on the site', () => {
		const payloads = ['/.//evil.example', '/x/..//evil.example', '/%2e//evil.example', '/spaces?x=1', '/invite/abc', '/'];
		for (const p of payloads) {
			const kept = safeRedirectPath(p);
			if (kept !== null) {
				expect(kept).toMatch(/^\/(?![/\\])/);
				expect(new URL(kept, 'http://x').origin).toBe('http://x');
			}
		}
	});
});
