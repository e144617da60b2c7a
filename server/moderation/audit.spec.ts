import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseDetail } from './audit';

describe('audit cursors', () => {
	const id = '0b7c6c1e-3d1a-4c55-9d7e-3f1b1c2d3e4f';

	it('round-trip PostgreSQL timestamps exactly, microseconds and offset kept', () => {
		for (const at of ['2026-11-28 14:38:17.123456+00', '2026-11-28 14:38:17+00', '2026-11-28 20:08:17.5+05:30', '2026-01-01 00:00:00.000001-03']) {
			expect(decodeCursor(encodeCursor({ at, id }))).toEqual({ at, id });
		}
	});

	it('refuse anything else, so nothing but a timestamp and a uuid reaches the query', () => {
		expect(decodeCursor('')).toBeNull();
		expect(decodeCursor('not a cursor')).toBeNull();
		expect(decodeCursor(Buffer.from(`2026-11-28 14:38:17+00|${id}'; drop table audit_log`).toString('base64url'))).toBeNull();
		expect(decodeCursor(Buffer.from(`yesterday|${id}`).toString('base64url'))).toBeNull();
	});
});

describe('parseDetail', () => {
	it('reads JSON details and keeps older plain ones as they were', () => {
		expect(parseDetail('{"spaceId":"s","reason":"spam"}')).toEqual({ spaceId: 's', reason: 'spam' });
		expect(parseDetail('mentee→mentor')).toBe('mentee→mentor');
		expect(parseDetail('{broken')).toBe('{broken');
		expect(parseDetail(null)).toBeNull();
	});
});
