/**
 * Paired comparison of two servers over rounds: each round runs every server in turn within a minute or so, so the
 * difference of two servers' p99s in one round cancels much of what the shared machine does to both. Reports the
 * median of those differences, a 95 % bootstrap interval for it (seeded, so a rerun on the same figures prints the
 * same interval) and in how many rounds the first server was ahead. The interval needs rounds: with five it is
 * about the range of the differences, with one it says nothing.
 */
export interface Paired {
	rounds: number;
	medianDiff: number;
	low: number;
	high: number;
	ahead: number;
}

export function pairedComparison(first: number[], second: number[], resamples = 10_000): Paired {
	if (first.length === 0 || first.length !== second.length) throw new Error(`pairedComparison: ${first.length} and ${second.length} rounds`);
	const diffs = first.map((v, i) => v - second[i]!);
	const random = mulberry32(1);
	const medians: number[] = [];
	for (let r = 0; r < resamples; r++) medians.push(median(diffs.map(() => diffs[Math.floor(random() * diffs.length)]!)));
	medians.sort((a, b) => a - b);
	return {
		rounds: diffs.length,
		medianDiff: median(diffs),
		low: medians[Math.floor(resamples * 0.025)]!,
		high: medians[Math.floor(resamples * 0.975) - 1]!,
		ahead: diffs.filter((d) => d < 0).length
	};
}

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** "median difference −0.08 ms (95 % interval −0.70 to +0.37), ahead in 10 of 20 rounds" */
export function describePaired(p: Paired): string {
	const ms = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
	return `median difference ${ms(p.medianDiff)} ms (95 % interval ${ms(p.low)} to ${ms(p.high)}), ahead in ${p.ahead} of ${p.rounds} rounds`;
}
