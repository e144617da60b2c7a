/**
 * Small statistics helpers for before/after metrics: order statistics, the paired t-test and the Wilcoxon
 * signed-rank test, with the Student t and standard normal distributions they need. Pure functions on plain
 * arrays, no dependencies; each one follows R's `stats` package so results can be checked against R's output.
 */

/** The coefficients of Lanczos' approximation with g = 7, n = 9 (relative error about 1e-15). */
const LANCZOS = [
	0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
	-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
];
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 1000;

/** ln Γ(x) for x > 0, by the Lanczos approximation. */
export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
	const z = x - 1;
	const sum = LANCZOS.reduce((s, c, i) => (i === 0 ? c : s + c / (z + i)), 0);
	const t = z + 7.5;
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function, by the modified Lentz method (Numerical Recipes' betacf). */
function betacf(a: number, b: number, x: number): number {
	const qab = a + b;
	let c = 1;
	let d = 1 - (qab * x) / (a + 1);
	if (Math.abs(d) < TINY) d = TINY;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= MAX_ITER; m++) {
		const m2 = 2 * m;
		for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (qab + m) * x) / ((a + m2) * (a + m2 + 1))]) {
			d = 1 + aa * d;
			if (Math.abs(d) < TINY) d = TINY;
			c = 1 + aa / c;
			if (Math.abs(c) < TINY) c = TINY;
			d = 1 / d;
			h *= d * c;
			if (aa < 0 && Math.abs(d * c - 1) < EPS) return h;
		}
	}
	return h;
}

/** The regularized incomplete beta function I_x(a, b) (Numerical Recipes' betai). */
export function incompleteBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
	return x < (a + 1) / (a + b + 2) ? (front * betacf(a, b, x)) / a : 1 - (front * betacf(b, a, 1 - x)) / b;
}

/** The regularized upper incomplete gamma function Q(a, x), by its series or continued fraction (NR's gser/gcf). */
function upperGamma(a: number, x: number): number {
	if (x <= 0) return 1;
	const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
	if (x < a + 1) {
		let term = 1 / a;
		let sum = term;
		for (let n = 1; n <= MAX_ITER && Math.abs(term) > Math.abs(sum) * EPS; n++) sum += term *= x / (a + n);
		return 1 - sum * front;
	}
	let b = x + 1 - a;
	let c = 1 / TINY;
	let d = 1 / b;
	let h = d;
	for (let i = 1; i <= MAX_ITER; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < TINY) d = TINY;
		c = b + an / c;
		if (Math.abs(c) < TINY) c = TINY;
		d = 1 / d;
		h *= d * c;
		if (Math.abs(d * c - 1) < EPS) break;
	}
	return front * h;
}

/** P(Z ≤ z) for a standard normal Z, as R's `pnorm(z)`: erfc(−z/√2)/2 with erfc(x) = Q(1/2, x²), near machine precision. */
export function normalCdf(z: number): number {
	if (Number.isNaN(z)) return NaN;
	const tail = 0.5 * upperGamma(0.5, (z * z) / 2);
	return z < 0 ? tail : 1 - tail;
}

/** P(T ≤ t) for Student's t with `df` > 0 degrees of freedom, as R's `pt(t, df)`: I_{df/(df+t²)}(df/2, 1/2) / 2 for the tail. */
export function studentTCdf(t: number, df: number): number {
	if (Number.isNaN(t) || !(df > 0)) return NaN;
	if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
	const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
	return t < 0 ? tail : 1 - tail;
}

/**
 * The t with P(T ≤ t) = p for Student's t with `df` degrees of freedom, as R's `qt(p, df)`. By symmetry it solves
 * the upper tail 1 − p (or p) for t ≥ 0, bracketing the root by doubling and then bisecting to full precision.
 */
export function studentTQuantile(p: number, df: number): number {
	if (Number.isNaN(p) || p < 0 || p > 1 || !(df > 0)) return NaN;
	if (p === 0) return -Infinity;
	if (p === 1) return Infinity;
	if (p === 0.5) return 0;
	const tail = Math.min(p, 1 - p);
	const upper = (t: number) => 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
	let lo = 0;
	let hi = 1;
	while (upper(hi) > tail && hi < 1e300) [lo, hi] = [hi, hi * 2];
	for (let i = 0; i < 2000 && hi - lo > 1e-15 * hi; i++) {
		const mid = (lo + hi) / 2;
		if (upper(mid) > tail) lo = mid;
		else hi = mid;
	}
	const t = (lo + hi) / 2;
	return p < 0.5 ? -t : t;
}

/** The sample quantile at `p` ∈ [0, 1], interpolating between order statistics: R's default `quantile(x, p)` (type 7), numpy's default. Null when empty. */
export function quantile(values: number[], p: number): number | null {
	if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const h = (sorted.length - 1) * p;
	const i = Math.floor(h);
	const below = sorted[i]!;
	return i + 1 < sorted.length ? below + (h - i) * (sorted[i + 1]! - below) : below;
}

/** The median, as R's `median(x)`. Null when empty. */
export function median(values: number[]): number | null {
	return quantile(values, 0.5);
}

/** post − pre, element by element; a RangeError when the lengths differ. */
function differences(pre: number[], post: number[]): number[] {
	if (pre.length !== post.length) throw new RangeError(`paired samples differ in length: ${pre.length} and ${post.length}`);
	return post.map((x, i) => x - pre[i]!);
}

export interface PairedTTest {
	n: number;
	meanDiff: number;
	sdDiff: number;
	t: number;
	df: number;
	/** Two-sided. */
	p: number;
	ciLow: number;
	ciHigh: number;
}

/**
 * The two-sided paired t-test on the differences post − pre with a `confidence` interval for their mean, as R's
 * `t.test(post, pre, paired = TRUE, conf.level = confidence)`. Null when n < 2. Where R stops with "data are
 * essentially constant" (all differences equal), this returns t = ±Infinity and p = 0 for a non-zero mean
 * difference, t = NaN and p = 1 for a zero one, and a zero-width interval at the mean difference.
 */
export function pairedTTest(pre: number[], post: number[], confidence = 0.95): PairedTTest | null {
	if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
	const d = differences(pre, post);
	const n = d.length;
	if (n < 2) return null;
	const meanDiff = d.reduce((s, x) => s + x, 0) / n;
	const sdDiff = Math.sqrt(d.reduce((s, x) => s + (x - meanDiff) ** 2, 0) / (n - 1));
	const df = n - 1;
	if (sdDiff === 0) {
		const t = meanDiff === 0 ? NaN : Math.sign(meanDiff) * Infinity;
		return { n, meanDiff, sdDiff, t, df, p: meanDiff === 0 ? 1 : 0, ciLow: meanDiff, ciHigh: meanDiff };
	}
	const se = sdDiff / Math.sqrt(n);
	const t = meanDiff / se;
	const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
	const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
	return { n, meanDiff, sdDiff, t, df, p, ciLow: meanDiff - half, ciHigh: meanDiff + half };
}

export interface WilcoxonSignedRank {
	/** The number of non-zero differences. */
	n: number;
	/** The sum of the ranks of the positive differences. */
	v: number;
	/** Two-sided. */
	p: number;
	method: 'exact' | 'normal';
}

/** P(V ≤ v) for the signed-rank statistic of n untied observations, by counting subsets of {1..n} by their sum. */
function signRankCdf(v: number, n: number): number {
	const max = (n * (n + 1)) / 2;
	const counts = new Array<number>(max + 1).fill(0);
	counts[0] = 1;
	for (let k = 1; k <= n; k++) for (let s = (k * (k + 1)) / 2; s >= k; s--) counts[s]! += counts[s - k]!;
	let below = 0;
	for (let s = 0; s <= Math.min(v, max); s++) below += counts[s]!;
	return below / 2 ** n;
}

/**
 * The two-sided Wilcoxon signed-rank test on the differences post − pre, as R's `wilcox.test(post, pre, paired =
 * TRUE)`: zero differences are dropped and ties get average ranks. The p-value is exact when n < 50 and there are
 * no ties or zeros, else the normal approximation with the tie-corrected variance and a 0.5 continuity correction.
 * Null when no difference is non-zero (R returns a NaN p-value there).
 */
export function wilcoxonSignedRank(pre: number[], post: number[]): WilcoxonSignedRank | null {
	const all = differences(pre, post);
	const d = all.filter((x) => x !== 0);
	const zeros = d.length < all.length;
	const n = d.length;
	if (n === 0) return null;
	const abs = d.map(Math.abs);
	const order = abs.map((_, i) => i).sort((a, b) => abs[a]! - abs[b]!);
	const ranks = new Array<number>(n);
	let tieTerm = 0;
	for (let i = 0; i < n; ) {
		let j = i;
		while (j + 1 < n && abs[order[j + 1]!] === abs[order[i]!]) j++;
		for (let k = i; k <= j; k++) ranks[order[k]!] = (i + j) / 2 + 1;
		const size = j - i + 1;
		tieTerm += size ** 3 - size;
		i = j + 1;
	}
	const v = d.reduce((s, x, i) => (x > 0 ? s + ranks[i]! : s), 0);
	if (n < 50 && tieTerm === 0 && !zeros) {
		const oneSided = v > (n * (n + 1)) / 4 ? 1 - signRankCdf(v - 1, n) : signRankCdf(v, n);
		return { n, v, p: Math.min(1, 2 * oneSided), method: 'exact' };
	}
	const z = v - (n * (n + 1)) / 4;
	const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
	const zc = (z - Math.sign(z) * 0.5) / sigma;
	return { n, v, p: Math.min(1, 2 * normalCdf(-Math.abs(zc))), method: 'normal' };
}
