/**
 * The exact assignment of the whole cohort.
 *
 * Objective, lexicographic: first the largest number of matched mentees, then the largest total score (the sum of
 * the pairs' points, score.ts). It is one min-cost flow: each matched pair costs `S − points` (S the highest points
 * of any eligible pair, so costs are ≥ 0) and each unit not matched costs BIG = K × S + 1, K the most pairs there
 * could be — more than any difference in score between two assignments, so one more pair always wins.
 *
 * The network is oriented from the scarcer side, which keeps the shortest-path searches short: when mentors have
 * fewer places than there are mentees, each mentor supplies its capacity (mentor → mentee → sink, or mentor →
 * sink for places left empty); otherwise each mentee supplies one unit (mentee → mentor → sink, or mentee → sink
 * for staying unmatched). Cohort balance adds per-group limits on the mentor side (see balance.ts for the rule):
 * a group node with the limit as capacity in the second orientation, a group node that must absorb the places
 * the group leaves empty in the first.
 *
 * Exactness at scale. All eligible pairs are scored (candidates.ts), but the flow starts on a sparse subset: each
 * mentee's best `perMentee` mentors and each mentor's best `perMentor + perPlace × capacity` mentees. Once solved, the
 * potentials certify optimality on that subset; every pair left out is then checked against them — if its reduced
 * cost is ≥ 0 it could not improve the result. Pairs that fail the check (at most one per mentee per round, the
 * worst) are added with one unit pushed on them, the flow is repaired by further shortest paths, and the check
 * runs again over all left-out pairs until none fails. The result is then optimal over the full set of eligible
 * pairs, not just the subset.
 */
import type { Candidates } from './candidates';
import { INFINITE, MinCostFlow } from './flow';

export interface GroupLimits {
	/** Per mentor: index of its group in `limits`, or -1 for a mentor without a limit. */
	of: Int32Array;
	/** Most mentees the mentors of each group may take together. */
	limits: number[];
}

export interface AssignOptions {
	/** Each mentee's best mentors in the initial subset. */
	perMentee?: number;
	/** Each mentor's best `perMentor + perPlace × capacity` mentees in the initial subset. */
	perMentor?: number;
	perPlace?: number;
	groups?: GroupLimits | null;
}

export interface AssignStats {
	orientation: 'mentors' | 'mentees';
	eligiblePairs: number;
	/** Pairs the flow was first solved on. */
	initialPairs: number;
	/** Left-out pairs added because the optimality check failed on them. */
	addedPairs: number;
	/** Rounds of the optimality check over all left-out pairs (the last one finds nothing). */
	checkRounds: number;
	searches: number;
	solveMs: number;
	verifyMs: number;
}

export interface Assignment {
	/** Per mentee: the index of its mentor, or -1. */
	mentorOf: Int32Array;
	stats: AssignStats;
}

const DEFAULTS = { perMentee: 12, perMentor: 8, perPlace: 2 };

/** Marks the pairs the flow starts on: each mentee's best mentors and each mentor's best mentees. */
function initialPairs(c: Candidates, perMentee: number, perMentor: number, perPlace: number): Uint8Array {
	const pairs = c.mentor.length;
	const chosen = new Uint8Array(pairs);
	const m = c.mentors.length;
	// Keys order pairs by points, then by the lower index: ties go the same way every time.
	const keys = new Float64Array(m);
	for (let i = 0; i < c.mentees.length; i++) {
		const s = c.start[i]!;
		const e = c.start[i + 1]!;
		if (e - s <= perMentee) {
			chosen.fill(1, s, e);
			continue;
		}
		const list = keys.subarray(0, e - s);
		for (let p = s; p < e; p++) list[p - s] = c.points[p]! * 2 ** 21 + (2 ** 21 - 1 - c.mentor[p]!);
		list.sort();
		const threshold = list[e - s - perMentee]!;
		for (let p = s; p < e; p++) if (c.points[p]! * 2 ** 21 + (2 ** 21 - 1 - c.mentor[p]!) >= threshold) chosen[p] = 1;
	}
	// Per mentor: a bounded min-heap of the best keys seen, then everything at or above its smallest.
	const size = c.mentors.map((b) => perMentor + perPlace * Math.max(0, b.person.capacity));
	const offset = new Int32Array(m + 1);
	for (let j = 0; j < m; j++) offset[j + 1] = offset[j]! + size[j]!;
	const heap = new Float64Array(offset[m]!);
	const filled = new Int32Array(m);
	const key = (p: number, i: number) => c.points[p]! * 2 ** 23 + (2 ** 23 - 1 - i);
	for (let i = 0; i < c.mentees.length; i++) {
		for (let p = c.start[i]!; p < c.start[i + 1]!; p++) {
			const j = c.mentor[p]!;
			const k = key(p, i);
			const base = offset[j]!;
			const cap = size[j]!;
			if (filled[j]! < cap) siftUp(heap, base, filled[j]!++, k);
			else if (cap > 0 && k > heap[base]!) siftDown(heap, base, cap, k);
		}
	}
	for (let i = 0; i < c.mentees.length; i++) {
		for (let p = c.start[i]!; p < c.start[i + 1]!; p++) {
			const j = c.mentor[p]!;
			if (filled[j]! > 0 && (filled[j]! < size[j]! || key(p, i) >= heap[offset[j]!]!)) chosen[p] = 1;
		}
	}
	return chosen;
}

function siftUp(heap: Float64Array, base: number, at: number, k: number): void {
	let i = at;
	while (i > 0) {
		const parent = (i - 1) >> 1;
		if (heap[base + parent]! <= k) break;
		heap[base + i] = heap[base + parent]!;
		i = parent;
	}
	heap[base + i] = k;
}

/** Replaces the smallest key of a full heap with `k`. */
function siftDown(heap: Float64Array, base: number, n: number, k: number): void {
	let i = 0;
	for (;;) {
		let child = 2 * i + 1;
		if (child >= n) break;
		if (child + 1 < n && heap[base + child + 1]! < heap[base + child]!) child++;
		if (k <= heap[base + child]!) break;
		heap[base + i] = heap[base + child]!;
		i = child;
	}
	heap[base + i] = k;
}

/** The assignment maximising (matched mentees, total points) over all eligible pairs, under capacities and group limits. */
export function assign(c: Candidates, options: AssignOptions = {}): Assignment {
	const { perMentee, perMentor, perPlace } = { ...DEFAULTS, ...options };
	const groups = options.groups ?? null;
	const M = c.mentees.length;
	const m = c.mentors.length;
	const pairs = c.mentor.length;
	const capacity = c.mentors.map((b) => Math.max(0, Math.floor(b.person.capacity)));

	let best = 0;
	const degree = new Int32Array(m);
	for (let p = 0; p < pairs; p++) {
		degree[c.mentor[p]!]!++;
		if (c.points[p]! > best) best = c.points[p]!;
	}
	let places = 0;
	for (let j = 0; j < m; j++) places += Math.min(capacity[j]!, degree[j]!);
	let seekers = 0;
	for (let i = 0; i < M; i++) if (c.start[i + 1]! > c.start[i]!) seekers++;
	const orientation: AssignStats['orientation'] = places <= seekers ? 'mentors' : 'mentees';
	const most = Math.min(places, seekers);
	const BIG = most * best + 1;

	const started = performance.now();
	const chosen = initialPairs(c, perMentee, perMentor, perPlace);
	const groupCount = groups?.limits.length ?? 0;
	const sink = M + m;
	const flow = new MinCostFlow(M + m + 1 + groupCount);
	const mentorNode = (j: number) => M + j;
	const groupNode = (g: number) => sink + 1 + g;
	const pairEdge = new Int32Array(pairs).fill(-1);
	const addPair = (p: number, i: number) =>
		orientation === 'mentors'
			? flow.addEdge(mentorNode(c.mentor[p]!), i, 1, best - c.points[p]!)
			: flow.addEdge(i, mentorNode(c.mentor[p]!), 1, best - c.points[p]!);
	const pairReducedCost = (p: number, i: number) =>
		orientation === 'mentors'
			? flow.reducedCost(mentorNode(c.mentor[p]!), i, best - c.points[p]!)
			: flow.reducedCost(i, mentorNode(c.mentor[p]!), best - c.points[p]!);

	if (orientation === 'mentors') {
		const supplyOfGroup = new Array<number>(groupCount).fill(0);
		for (let j = 0; j < m; j++) {
			const supply = degree[j]! > 0 ? capacity[j]! : 0;
			flow.excess[mentorNode(j)] = supply;
			if (groups && groups.of[j]! >= 0) supplyOfGroup[groups.of[j]!]! += supply;
		}
		// A group must leave at least (its places − its limit) places empty: its node demands that many.
		const leftEmpty = supplyOfGroup.map((s, g) => Math.max(0, s - groups!.limits[g]!));
		let sinkDemand = 0;
		for (let j = 0; j < m; j++) {
			const supply = flow.excess[mentorNode(j)]!;
			if (supply === 0) continue;
			const g = groups ? groups.of[j]! : -1;
			if (g >= 0 && leftEmpty[g]! > 0) flow.addEdge(mentorNode(j), groupNode(g), supply, BIG);
			else flow.addEdge(mentorNode(j), sink, supply, BIG);
			sinkDemand += supply;
		}
		for (let g = 0; g < groupCount; g++) {
			if (leftEmpty[g]! === 0) continue;
			flow.excess[groupNode(g)] = -leftEmpty[g]!;
			flow.addEdge(groupNode(g), sink, INFINITE, 0);
			sinkDemand -= leftEmpty[g]!;
		}
		flow.excess[sink] = -sinkDemand;
		for (let i = 0; i < M; i++) if (c.start[i + 1]! > c.start[i]!) flow.addEdge(i, sink, 1, 0);
	} else {
		for (let i = 0; i < M; i++) {
			if (c.start[i + 1]! === c.start[i]!) continue;
			flow.excess[i] = 1;
			flow.addEdge(i, sink, 1, BIG);
		}
		flow.excess[sink] = -seekers;
		for (let j = 0; j < m; j++) {
			if (degree[j]! === 0 || capacity[j]! === 0) continue;
			const g = groups ? groups.of[j]! : -1;
			flow.addEdge(mentorNode(j), g >= 0 ? groupNode(g) : sink, capacity[j]!, 0);
		}
		for (let g = 0; g < groupCount; g++) flow.addEdge(groupNode(g), sink, groups!.limits[g]!, 0);
	}
	let initial = 0;
	for (let i = 0; i < M; i++)
		for (let p = c.start[i]!; p < c.start[i + 1]!; p++)
			if (chosen[p]) {
				pairEdge[p] = addPair(p, i);
				initial++;
			}
	flow.solve();
	let solveMs = performance.now() - started;

	// The optimality check over every pair left out, and repairs until it passes.
	let verifyMs = 0;
	let added = 0;
	let rounds = 0;
	for (;;) {
		const t0 = performance.now();
		rounds++;
		const worst: Array<[number, number]> = [];
		for (let i = 0; i < M; i++) {
			let at = -1;
			let low = 0;
			for (let p = c.start[i]!; p < c.start[i + 1]!; p++) {
				if (pairEdge[p]! >= 0) continue;
				const rc = pairReducedCost(p, i);
				if (rc < low) [low, at] = [rc, p];
			}
			if (at >= 0) worst.push([at, i]);
		}
		verifyMs += performance.now() - t0;
		if (worst.length === 0) break;
		const t1 = performance.now();
		for (const [p, i] of worst) {
			// Still violated after the repairs of this round? Then push one unit on it (its reverse then has a
			// positive reduced cost, so the invariant holds) and let the solver route the imbalance.
			if (pairReducedCost(p, i) >= 0) continue;
			const e = addPair(p, i);
			pairEdge[p] = e;
			flow.push(e, 1);
			added++;
			flow.solve();
		}
		solveMs += performance.now() - t1;
	}

	const mentorOf = new Int32Array(M).fill(-1);
	for (let i = 0; i < M; i++)
		for (let p = c.start[i]!; p < c.start[i + 1]!; p++) if (pairEdge[p]! >= 0 && flow.flow(pairEdge[p]!) > 0) mentorOf[i] = c.mentor[p]!;
	return {
		mentorOf,
		stats: { orientation, eligiblePairs: pairs, initialPairs: initial, addedPairs: added, checkRounds: rounds, searches: flow.searches, solveMs, verifyMs }
	};
}
