import { describe, expect, it } from 'vitest';
import { incompleteBeta, median, normalCdf, pairedTTest, quantile, studentTCdf, studentTQuantile, wilcoxonSignedRank } from './stats';

// Reference values are R's (printed digits), cross-checked with scipy 1.17 where R prints too few digits.
// R's sleep data: extra hours of sleep with each of two drugs, ten patients.
const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
// Hollander & Wolfe's depression scores, from R's ?wilcox.test.
const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];

/** |actual − expected| ≤ rel · |expected|. */
const close = (actual: number, expected: number, rel = 1e-4) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe('quantile and median (R type 7)', () => {
	it('matches R quantile()', () => {
		expect(quantile([1, 2, 3, 4, 10], 0.25)).toBe(2);
		expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
		expect(quantile([7, 1, 3], 0.9)).toBeCloseTo(6.2, 12);
		expect(quantile([7, 1, 3], 0)).toBe(1);
		expect(quantile([7, 1, 3], 1)).toBe(7);
		expect(quantile([5], 0.3)).toBe(5);
	});

	it('gives the median, and null for an empty array', () => {
		expect(median([3, 1, 2])).toBe(2);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(median([])).toBeNull();
		expect(quantile([], 0.5)).toBeNull();
	});

	it('does not reorder its input and refuses p outside [0, 1]', () => {
		const values = [3, 1, 2];
		quantile(values, 0.5);
		expect(values).toEqual([3, 1, 2]);
		expect(() => quantile(values, 1.5)).toThrow(RangeError);
		expect(() => quantile(values, Number.NaN)).toThrow(RangeError);
	});
});

describe('distributions', () => {
	it('the incomplete beta function has its closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a', () => {
		close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12);
		close(incompleteBeta(0.7, 3.5, 1), 0.7 ** 3.5, 1e-12);
		close(incompleteBeta(0.2, 1, 4), 1 - 0.8 ** 4, 1e-12);
	});

	it('studentTQuantile matches R qt()', () => {
		expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062047, 6);
		expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.2621572, 6);
		expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0422725, 6);
		expect(studentTQuantile(0.995, 4)).toBeCloseTo(4.6040949, 6);
		expect(studentTQuantile(0.05, 100)).toBeCloseTo(-1.6602343, 6);
		expect(studentTQuantile(0.9, 2.5)).toBeCloseTo(1.7302509, 6);
		close(studentTQuantile(1e-10, 3), -2225.769284683, 1e-9);
		expect(studentTQuantile(0.5, 7)).toBe(0);
		expect(studentTQuantile(0, 7)).toBe(-Infinity);
		expect(studentTQuantile(1, 7)).toBe(Infinity);
	});

	it('studentTQuantile inverts the closed forms for 1 (Cauchy) and 2 degrees of freedom', () => {
		for (const p of [0.01, 0.3, 0.8, 0.999]) {
			close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-10);
			close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-10);
		}
	});

	it('studentTCdf matches R pt() and the closed forms', () => {
		close(studentTCdf(-4.0621, 9), 0.0014165, 1e-4);
		close(studentTCdf(2.5, 3), 0.9561466765, 1e-9);
		close(studentTCdf(-0.3, 1.5), 0.4002360984, 1e-9);
		for (const t of [-20, -1.5, 0, 0.4, 3]) {
			close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12);
			close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12);
		}
		expect(studentTCdf(Infinity, 3)).toBe(1);
		expect(studentTCdf(-Infinity, 3)).toBe(0);
		expect(studentTCdf(1, 0)).toBeNaN();
	});

	it('normalCdf matches R pnorm()', () => {
		close(normalCdf(1.959964), 0.975, 1e-7);
		close(normalCdf(-3), 0.0013499, 1e-4);
		close(normalCdf(-3), 0.00134989803163, 1e-10);
		close(normalCdf(0.5), 0.691462461274, 1e-11);
		close(normalCdf(-10), 7.6198530241605e-24, 1e-10);
		expect(normalCdf(0)).toBe(0.5);
		expect(normalCdf(-40)).toBe(0);
		expect(normalCdf(40)).toBe(1);
	});
});

describe('pairedTTest', () => {
	it('matches R t.test(extra ~ group, data = sleep, paired = TRUE)', () => {
		const r = pairedTTest(group2, group1);
		expect(r).not.toBeNull();
		expect(r!.n).toBe(10);
		expect(r!.df).toBe(9);
		expect(r!.meanDiff).toBeCloseTo(-1.58, 12);
		expect(r!.t).toBeCloseTo(-4.0621, 4);
		close(r!.p, 0.002833);
		expect(r!.ciLow).toBeCloseTo(-2.4598858, 6);
		expect(r!.ciHigh).toBeCloseTo(-0.7001142, 6);
	});

	it('widens the interval with the confidence level (R conf.level = 0.99)', () => {
		const r = pairedTTest(group2, group1, 0.99)!;
		const half = (3.2498355 * r.sdDiff) / Math.sqrt(10); // qt(0.995, 9) = 3.2498355
		expect(r.ciLow).toBeCloseTo(-1.58 - half, 6);
		expect(r.ciHigh).toBeCloseTo(-1.58 + half, 6);
	});

	it('is null below two pairs and refuses unequal lengths or a bad confidence', () => {
		expect(pairedTTest([], [])).toBeNull();
		expect(pairedTTest([1], [2])).toBeNull();
		expect(() => pairedTTest([1, 2], [1])).toThrow(RangeError);
		expect(() => pairedTTest([1, 2], [3, 4], 1)).toThrow(RangeError);
	});

	it('handles differences that are all equal (where R stops: "data are essentially constant")', () => {
		expect(pairedTTest([1, 2, 3], [3, 4, 5])).toEqual({ n: 3, meanDiff: 2, sdDiff: 0, t: Infinity, df: 2, p: 0, ciLow: 2, ciHigh: 2 });
		expect(pairedTTest([3, 4, 5], [1, 2, 3])).toMatchObject({ t: -Infinity, p: 0, ciLow: -2, ciHigh: -2 });
		const none = pairedTTest([1, 2, 3], [1, 2, 3])!;
		expect(none).toMatchObject({ meanDiff: 0, sdDiff: 0, p: 1, ciLow: 0, ciHigh: 0 });
		expect(none.t).toBeNaN();
	});
});

describe('wilcoxonSignedRank', () => {
	it('matches R wilcox.test on the sleep data: ties and a zero, so the corrected normal approximation', () => {
		const r = wilcoxonSignedRank(group2, group1)!;
		expect(r).toMatchObject({ n: 9, v: 0, method: 'normal' });
		close(r.p, 0.009091);
	});

	it('matches R wilcox.test on the depression data: exact, V = 40, two-sided p = 2 · 0.01953', () => {
		const r = wilcoxonSignedRank(y, x)!;
		expect(r).toMatchObject({ n: 9, v: 40, method: 'exact' });
		expect(r.p).toBeCloseTo(0.0390625, 12); // 20 of the 512 sign patterns have V ≥ 40 (or ≤ 5)
		expect(wilcoxonSignedRank(x, y)).toMatchObject({ v: 5, method: 'exact', p: r.p });
	});

	it('computes exact p-values that can be counted by hand', () => {
		// n = 5, all positive: only 1 of 32 sign patterns reaches V = 15, and one reaches V = 0.
		expect(wilcoxonSignedRank([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])).toEqual({ n: 5, v: 15, p: 2 / 32, method: 'exact' });
		// V = 19 is above n(n + 1)/4 = 18 for n = 8: R gives p = 0.9453 (242 of 256 patterns in the two tails).
		const r = wilcoxonSignedRank(new Array(8).fill(0), [-1, 2, -3, 4, -5, 6, 7, -8])!;
		expect(r).toMatchObject({ v: 19, method: 'exact' });
		expect(r.p).toBeCloseTo(0.9453125, 12);
	});

	it('uses the tie-corrected variance when there are ties, and the normal approximation from n = 50', () => {
		const tied = wilcoxonSignedRank(new Array(6).fill(0), [1, 1, 2, -3, 4, 5])!;
		expect(tied).toMatchObject({ n: 6, v: 17, method: 'normal' });
		close(tied.p, 0.2071604489, 1e-8);
		const d = Array.from({ length: 50 }, (_, i) => (i + 1) * ((i + 1) % 3 === 0 ? -1 : 1));
		const large = wilcoxonSignedRank(new Array(50).fill(0), d)!;
		expect(large).toMatchObject({ n: 50, v: 867, method: 'normal' });
		close(large.p, 0.02706349218, 1e-8);
	});

	it('drops zero differences, is null when none is left, and refuses unequal lengths', () => {
		expect(wilcoxonSignedRank([1, 2], [1, 2])).toBeNull();
		expect(wilcoxonSignedRank([], [])).toBeNull();
		expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 5])).toMatchObject({ n: 1, v: 1, p: 1, method: 'normal' });
		expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(RangeError);
	});
});
