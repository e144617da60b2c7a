import { describe, expect, it } from 'vitest';
import { MinCostFlow } from './flow';

describe('min-cost flow', () => {
	it('routes supplies to demands at the least cost, undoing an earlier cheap choice when that helps', () => {
		// Two sources of one unit each; source 0 is cheaper through 2, but source 1 can only go through 2.
		const f = new MinCostFlow(5);
		const a = f.addEdge(0, 2, 1, 1);
		const b = f.addEdge(0, 3, 1, 2);
		const c = f.addEdge(1, 2, 1, 5);
		f.addEdge(2, 4, 1, 0);
		f.addEdge(3, 4, 1, 0);
		f.excess.set([1, 1, 0, 0, -2]);
		f.solve();
		expect([f.flow(a), f.flow(b), f.flow(c)]).toEqual([0, 1, 1]);
		expect([...f.excess]).toEqual([0, 0, 0, 0, 0]);
	});

	it('leaves reduced costs that certify optimality: no residual edge below zero', () => {
		const f = new MinCostFlow(4);
		const edges = [f.addEdge(0, 1, 2, 3), f.addEdge(0, 2, 2, 1), f.addEdge(2, 1, 1, 1), f.addEdge(1, 3, 3, 0), f.addEdge(2, 3, 1, 4)];
		f.excess.set([3, 0, 0, -3]);
		f.solve();
		const spec = [[0, 1, 2, 3], [0, 2, 2, 1], [2, 1, 1, 1], [1, 3, 3, 0], [2, 3, 1, 4]] as const;
		edges.forEach((e, k) => {
			const [from, to, cap, cost] = spec[k]!;
			if (f.flow(e) < cap) expect(f.reducedCost(from, to, cost)).toBeGreaterThanOrEqual(0);
			if (f.flow(e) > 0) expect(f.reducedCost(to, from, -cost)).toBeGreaterThanOrEqual(0);
		});
		// One unit 0→2→1→3 (cost 2), two 0→1→3 (3 each): 8, against 10 with 0→2→3.
		expect(edges.map((e) => f.flow(e))).toEqual([2, 1, 1, 3, 0]);
	});

	it('says so when a supply cannot reach any demand', () => {
		const f = new MinCostFlow(2);
		f.excess.set([1, 0]);
		expect(() => f.solve()).toThrow(/cannot reach/);
	});
});
