/**
 * The matching engine on a synthetic cohort of 5,000 mentees and 1,000 mentors (capacity 1–5), matched exactly:
 * time to score all 5 million pairs, to solve, to check optimality over every eligible pair, and to write the
 * proposals with explanations; peak memory; matched count and total score against the greedy baseline
 * (mentees in id order — a random order here — each taking their best remaining mentor), timed in the same run.
 * Three rounds, medians reported. A second case keeps a balance rule (no mentor gender above 45 % of the pairs; women mentors are about half).
 * Writes the matching section of bench/RESULTS.md (BENCH_MATCHING_QUICK=1: a small cohort, printed only).
 */
import { loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { expect, it } from 'vitest';
import { assignBalanced, genderGroups } from '../server/matching/balance';
import { prepareCohort, resultOf } from '../server/matching/engine';
import { greedyAssign } from '../server/matching/greedy';
import { greedyMatch } from '../server/matching/index';
import { normaliseGender, POINTS } from '../server/matching/score';
import type { MatchingResult } from '../server/matching/types';
import { syntheticCohort } from './matching/cohort';
import { writeSection } from './results';

const QUICK = process.env.BENCH_MATCHING_QUICK === '1';
const MENTEES = QUICK ? 1000 : 5000;
const MENTORS = QUICK ? 200 : 1000;
const ROUNDS = QUICK ? 1 : 3;
const SHARE = 0.45;
const GOAL_MS = 10_000;

const log = (...args: unknown[]) => console.log('[matching bench]', ...args);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (x: number) => x.toFixed(0);

/** The machine is shared: wait (up to 20 minutes) for the 1-minute load average to drop below 2 (2 cores). */
async function quietMachine(): Promise<void> {
	const deadline = Date.now() + 20 * 60_000;
	while (loadavg()[0]! > 2 && Date.now() < deadline) {
		log(`load average ${loadavg()[0]!.toFixed(2)}: waiting for the machine to quieten`);
		await new Promise((r) => setTimeout(r, 15_000));
	}
}

function timed<T>(fn: () => T): [T, number] {
	const t = performance.now();
	const value = fn();
	return [value, performance.now() - t];
}

const points = (r: MatchingResult) => Math.round(r.totalScore * POINTS);

it('matching: 5,000 mentees × 1,000 mentors matched exactly, against greedy', { timeout: 3600_000 }, async () => {
	if (!QUICK) await quietMachine();
	const loadStart = loadavg();
	const [cohort, generateMs] = timed(() => syntheticCohort({ mentees: MENTEES, mentors: MENTORS }));
	const { mentees, mentors, settings } = cohort;
	const places = mentors.reduce((s, b) => s + b.capacity, 0);
	log(`cohort: ${mentees.length} mentees, ${mentors.length} mentors, ${places} places, generated in ${ms(generateMs)} ms`);

	const before = { rss: process.memoryUsage().rss, heap: getHeapStatistics().used_heap_size };
	let peakHeap = 0;
	const sampleHeap = () => (peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size));
	const rounds: Array<{ prepare: number; solve: number; verify: number; assign: number; result: number; total: number; greedyAssign: number }> = [];
	let exact!: MatchingResult;
	let greedy!: MatchingResult;
	let stats!: ReturnType<typeof assignBalanced>['stats'];
	for (let round = 1; round <= ROUNDS; round++) {
		const [prepared, prepare] = timed(() => prepareCohort(mentees, mentors, settings));
		sampleHeap();
		const [assignment, assign] = timed(() => assignBalanced(prepared.candidates, null));
		sampleHeap();
		const [result, resultMs] = timed(() => resultOf(prepared, assignment.mentorOf));
		sampleHeap();
		const [greedyOf, greedyAssignMs] = timed(() => greedyAssign(prepared.candidates));
		exact = result;
		greedy = resultOf(prepared, greedyOf);
		stats = assignment.stats;
		rounds.push({ prepare, solve: stats.solveMs, verify: stats.verifyMs, assign, result: resultMs, total: prepare + assign + resultMs, greedyAssign: greedyAssignMs });
		log(`round ${round}: prepare ${ms(prepare)} ms, assign ${ms(assign)} ms (solve ${ms(stats.solveMs)}, check ${ms(stats.verifyMs)}), result ${ms(resultMs)} ms, total ${ms(prepare + assign + resultMs)} ms; greedy assign ${ms(greedyAssignMs)} ms`);
	}
	// The reference end to end, as a caller would run it: the same scoring pass, then greedy.
	const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
	const [greedyEndToEnd, greedyTotalMs] = timed(() => greedyMatch(byId(mentees), byId(mentors), settings));
	sampleHeap();
	expect(points(greedyEndToEnd)).toBe(points(greedy));

	// The balance case: the same cohort, no mentor gender above SHARE of the pairs.
	const [balanced, balanceMs] = timed(() => {
		const prepared = prepareCohort(mentees, mentors, settings);
		const a = assignBalanced(prepared.candidates, SHARE);
		return { result: resultOf(prepared, a.mentorOf), runs: a.runs, limit: a.limit, groups: genderGroups(prepared.candidates.mentors.map((b) => b.person)).names };
	});
	sampleHeap();
	const genderOf = new Map(mentors.map((b) => [b.id, normaliseGender(b.gender) ?? 'not given']));
	const shares = (r: MatchingResult) => {
		const counts = new Map<string, number>();
		for (const p of r.proposals) counts.set(genderOf.get(p.mentorId)!, (counts.get(genderOf.get(p.mentorId)!) ?? 0) + 1);
		return [...counts].sort((a, b) => b[1] - a[1]).map(([g, n]) => `${g} ${((100 * n) / r.proposals.length).toFixed(1)} %`).join(', ');
	};
	const maxRss = process.resourceUsage().maxRSS * 1024;
	const loadEnd = loadavg();

	const med = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
	const gain = points(exact) - points(greedy);
	const reasons = (r: MatchingResult) => {
		const counts = new Map<string, number>();
		for (const u of r.unmatched) counts.set(u.reason, (counts.get(u.reason) ?? 0) + 1);
		return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
	};
	const total = med('total');
	const date = new Date().toISOString().slice(0, 10);
	const section = [
		`### matching · ${MENTEES.toLocaleString('en')} mentees × ${MENTORS.toLocaleString('en')} mentors`,
		'',
		`Measured ${date} on Node ${process.version}, load average ${loadStart.map((l) => l.toFixed(2)).join(' / ')} at the start and ${loadEnd.map((l) => l.toFixed(2)).join(' / ')} at the end. Synthetic cohort (bench/matching/cohort.ts, seed 2026): 27 countries and their time zones (half-hour ones included), ${places} places (capacity 1–5), ~30 % minors, ~60 % of mentors vetted, twelve weeks from 2026-03-02 across the spring clock changes, minimum overlap 1 h, translation between 12 languages. ${ROUNDS} round(s); times are medians (each round in brackets).`,
		'',
		'| step | ms | rounds |',
		'|---|---:|---|',
		`| score all ${(MENTEES * MENTORS).toLocaleString('en')} pairs (constraints, overlap, score) | ${ms(med('prepare'))} | ${rounds.map((r) => ms(r.prepare)).join(', ')} |`,
		`| exact assignment: solve (sparse start + repairs) | ${ms(med('solve'))} | ${rounds.map((r) => ms(r.solve)).join(', ')} |`,
		`| exact assignment: optimality check over all eligible pairs | ${ms(med('verify'))} | ${rounds.map((r) => ms(r.verify)).join(', ')} |`,
		`| proposals with explanations, unmatched reasons | ${ms(med('result'))} | ${rounds.map((r) => ms(r.result)).join(', ')} |`,
		`| **match() end to end** | **${ms(total)}** | ${rounds.map((r) => ms(r.total)).join(', ')} |`,
		`| reference: greedy assignment on the same scored pairs | ${ms(med('greedyAssign'))} | ${rounds.map((r) => ms(r.greedyAssign)).join(', ')} |`,
		`| reference: greedyMatch() end to end | ${ms(greedyTotalMs)} | 1 |`,
		`| balance case: match() with ≤ ${SHARE * 100} % per mentor gender | ${ms(balanceMs)} | 1 (the assignment ran ${balanced.runs} time${balanced.runs === 1 ? '' : 's'}) |`,
		'',
		`- **Pairs**: ${stats.eligiblePairs.toLocaleString('en')} eligible; the flow started on ${stats.initialPairs.toLocaleString('en')} (orientation: from the ${stats.orientation}), the optimality check added ${stats.addedPairs} in ${stats.checkRounds} round(s), ${stats.searches} shortest-path searches.`,
		`- **Exact**: ${exact.proposals.length} matched, total score ${exact.totalScore.toFixed(3)}; unmatched: ${reasons(exact)}.`,
		`- **Greedy**: ${greedy.proposals.length} matched, total score ${greedy.totalScore.toFixed(3)}.`,
		`- **Gain over greedy**: ${exact.proposals.length - greedy.proposals.length} more matched, total score +${(gain / POINTS).toFixed(3)} (**+${((100 * gain) / points(greedy)).toFixed(1)} %**), mean score per pair ${(exact.totalScore / exact.proposals.length).toFixed(3)} against ${(greedy.totalScore / greedy.proposals.length).toFixed(3)}.`,
		`- **Balance case**: ${balanced.result.proposals.length} matched, total score ${balanced.result.totalScore.toFixed(3)}, limit ${balanced.limit} per gender (groups: ${balanced.groups.join(', ')}); shares ${shares(balanced.result)} (without the rule: ${shares(exact)}).`,
		`- **Memory**: RSS ${mib(before.rss)} MiB before the first round (Vitest and the cohort) and ${mib(maxRss)} MiB at its peak; V8 heap in use ${mib(before.heap)} MiB before, at most ${mib(peakHeap)} MiB after a step.`,
		'',
		`match() end to end: **${(total / 1000).toFixed(2)} s** — ${total < GOAL_MS ? 'under' : 'NOT under'} the 10 s goal.`,
		''
	].join('\n');
	console.log(`\n${section}`);
	if (!QUICK) writeSection(`### matching ·`, section);
	expect(exact.proposals.length).toBeGreaterThanOrEqual(greedy.proposals.length);
	if (exact.proposals.length === greedy.proposals.length) expect(points(exact)).toBeGreaterThanOrEqual(points(greedy));
});
