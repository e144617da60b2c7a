/**
 * Minimum-cost flow by successive shortest paths, with node potentials (Johnson) so that Dijkstra works on
 * non-negative reduced costs.
 *
 * Nodes have supplies (`excess` > 0) and demands (`excess` < 0). `solve()` repeatedly takes the lowest-numbered
 * node with supply, finds by Dijkstra the shortest path (in reduced cost) to the nearest node with demand, pushes
 * as much as the path allows, and updates the potentials. The invariant — every residual edge has reduced cost
 * `cost + π(from) − π(to) ≥ 0` — holds before and after each step, so when no supply is left the flow has minimum
 * cost for its supplies and demands, and the potentials are the certificate: any further edge whose reduced cost
 * is ≥ 0 would not lower the cost (assign.ts checks the edges it left out against them).
 *
 * Costs and capacities are integers (held in doubles, exact below 2^53), so there is no rounding drift, and the
 * order of everything (nodes, edges in insertion order, heap ties by node number) is fixed: the same network
 * gives the same flow. Dijkstra stops at the first node with demand it settles; potentials of nodes it did not
 * settle are left as they are, which keeps the invariant (the usual min(d, D) update, shifted by D).
 */

export const INFINITE = 0x3fffffff;

export class MinCostFlow {
	readonly nodes: number;
	/** Supply (> 0) or demand (< 0) still to route, per node. */
	readonly excess: Float64Array;
	/** Node potentials: reduced cost of an edge is cost + π(from) − π(to). */
	readonly potential: Float64Array;
	private head: Int32Array;
	private next = new Int32Array(16);
	private to = new Int32Array(16);
	private cap = new Int32Array(16);
	private cost = new Float64Array(16);
	private count = 0;
	// Dijkstra's scratch space, stamped with `epoch` instead of cleared.
	private dist: Float64Array;
	private seen: Int32Array;
	private settled: Int32Array;
	private parent: Int32Array;
	private epoch = 0;
	private heapKey = new Float64Array(64);
	private heapNode = new Int32Array(64);
	private heapSize = 0;
	/** Shortest-path searches run so far (for statistics). */
	searches = 0;

	constructor(nodes: number) {
		this.nodes = nodes;
		this.excess = new Float64Array(nodes);
		this.potential = new Float64Array(nodes);
		this.head = new Int32Array(nodes).fill(-1);
		this.dist = new Float64Array(nodes);
		this.seen = new Int32Array(nodes);
		this.settled = new Int32Array(nodes);
		this.parent = new Int32Array(nodes);
	}

	get edgeCount(): number {
		return this.count / 2;
	}

	/** Adds an edge (and its reverse, id ^ 1) and returns its id. */
	addEdge(from: number, to: number, capacity: number, cost: number): number {
		if (this.count + 2 > this.to.length) this.grow();
		const e = this.count;
		this.to[e] = to;
		this.cap[e] = capacity;
		this.cost[e] = cost;
		this.next[e] = this.head[from]!;
		this.head[from] = e;
		this.to[e + 1] = from;
		this.cap[e + 1] = 0;
		this.cost[e + 1] = -cost;
		this.next[e + 1] = this.head[to]!;
		this.head[to] = e + 1;
		this.count += 2;
		return e;
	}

	private grow(): void {
		const size = this.to.length * 2;
		const copy = <T extends Int32Array | Float64Array>(a: T, b: T) => (b.set(a), b);
		this.next = copy(this.next, new Int32Array(size));
		this.to = copy(this.to, new Int32Array(size));
		this.cap = copy(this.cap, new Int32Array(size));
		this.cost = copy(this.cost, new Float64Array(size));
	}

	/** Units flowing on edge `e` (as returned by addEdge). */
	flow(e: number): number {
		return this.cap[e + 1]!;
	}

	from(e: number): number {
		return this.to[e ^ 1]!;
	}

	/** Reduced cost of an edge that would go from `from` to `to` with this cost, under the current potentials. */
	reducedCost(from: number, to: number, cost: number): number {
		return cost + this.potential[from]! - this.potential[to]!;
	}

	/** Sends `amount` along edge `e` regardless of cost, moving supply from its tail to its head. */
	push(e: number, amount: number): void {
		this.cap[e]! -= amount;
		this.cap[e ^ 1]! += amount;
		this.excess[this.to[e ^ 1]!]! -= amount;
		this.excess[this.to[e]!]! += amount;
	}

	/** Routes every supply to demands at minimum cost (throws if some supply cannot reach any demand). */
	solve(): void {
		for (let v = 0; v < this.nodes; v++) while (this.excess[v]! > 0) this.augmentFrom(v);
	}

	private augmentFrom(source: number): void {
		const { dist, seen, settled, parent, potential, excess, head, next, to, cap, cost } = this;
		const epoch = ++this.epoch;
		this.searches++;
		const order: number[] = [];
		dist[source] = 0;
		seen[source] = epoch;
		parent[source] = -1;
		this.heapSize = 0;
		this.heapPush(0, source);
		let target = -1;
		let reach = 0;
		while (this.heapSize > 0) {
			const d = this.heapKey[0]!;
			const u = this.heapPop();
			if (settled[u] === epoch) continue;
			settled[u] = epoch;
			if (excess[u]! < 0) {
				target = u;
				reach = d;
				break;
			}
			order.push(u);
			const pu = potential[u]!;
			for (let e = head[u]!; e !== -1; e = next[e]!) {
				if (cap[e]! <= 0) continue;
				const v = to[e]!;
				if (settled[v] === epoch) continue;
				const nd = d + cost[e]! + pu - potential[v]!;
				if (seen[v] !== epoch || nd < dist[v]!) {
					seen[v] = epoch;
					dist[v] = nd;
					parent[v] = e;
					this.heapPush(nd, v);
				}
			}
		}
		if (target < 0) throw new Error(`min-cost flow: the supply at node ${source} cannot reach any demand`);
		for (const u of order) potential[u]! += dist[u]! - reach;
		let amount = Math.min(excess[source]!, -excess[target]!);
		for (let v = target; v !== source; v = to[parent[v]! ^ 1]!) amount = Math.min(amount, cap[parent[v]!]!);
		for (let v = target; v !== source; v = to[parent[v]! ^ 1]!) {
			const e = parent[v]!;
			cap[e]! -= amount;
			cap[e ^ 1]! += amount;
		}
		excess[source]! -= amount;
		excess[target]! += amount;
	}

	private heapPush(key: number, node: number): void {
		if (this.heapSize === this.heapKey.length) {
			const k = new Float64Array(this.heapKey.length * 2);
			k.set(this.heapKey);
			const n = new Int32Array(this.heapNode.length * 2);
			n.set(this.heapNode);
			this.heapKey = k;
			this.heapNode = n;
		}
		const keys = this.heapKey;
		const nodes = this.heapNode;
		let i = this.heapSize++;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (keys[p]! < key || (keys[p] === key && nodes[p]! < node)) break;
			keys[i] = keys[p]!;
			nodes[i] = nodes[p]!;
			i = p;
		}
		keys[i] = key;
		nodes[i] = node;
	}

	private heapPop(): number {
		const keys = this.heapKey;
		const nodes = this.heapNode;
		const top = nodes[0]!;
		const n = --this.heapSize;
		const key = keys[n]!;
		const node = nodes[n]!;
		let i = 0;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			if (c + 1 < n && (keys[c + 1]! < keys[c]! || (keys[c + 1] === keys[c] && nodes[c + 1]! < nodes[c]!))) c++;
			if (key < keys[c]! || (key === keys[c] && node < nodes[c]!)) break;
			keys[i] = keys[c]!;
			nodes[i] = nodes[c]!;
			i = c;
		}
		keys[i] = key;
		nodes[i] = node;
		return top;
	}
}
