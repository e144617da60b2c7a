import { describe, expect, it } from 'vitest';
import { settingsPatch } from './validation';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const accepts = (horizonStart: string) => settingsPatch.safeParse({ horizonStart }).success;

describe('a round’s horizonStart', () => {
	it('is taken from a month back to a year ahead', () => {
		for (const offset of [-30, 0, 7, 365]) expect(accepts(day(offset)), day(offset)).toBe(true);
	});

	it('is refused further away, and for years the engine’s clock cannot hold', () => {
		for (const date of [day(-40), day(400), '0050-01-04', '9999-12-27', '2026-02-30']) expect(accepts(date), date).toBe(false);
	});
});
