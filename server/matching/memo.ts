/**
 * A memo of values for pairs of small dense ids (tag × tag, language profile × language profile): a square table
 * that grows with the ids, and a map beyond `maxDim` ids, where a table would be too large.
 */
export class PairMemo<T> {
	private dim = 0;
	private table: Array<T | undefined> = [];
	private readonly overflow = new Map<number, T>();

	constructor(private readonly maxDim = 1024) {}

	get(a: number, b: number): T | undefined {
		if (a < this.dim && b < this.dim) return this.table[a * this.dim + b];
		return this.overflow.get(a * 2 ** 26 + b);
	}

	set(a: number, b: number, value: T): T {
		const need = Math.max(a, b) + 1;
		if (need > this.dim && need <= this.maxDim) this.grow(Math.min(this.maxDim, Math.max(64, 2 * this.dim, need)));
		if (a < this.dim && b < this.dim) this.table[a * this.dim + b] = value;
		else this.overflow.set(a * 2 ** 26 + b, value);
		return value;
	}

	private grow(dim: number): void {
		const table = new Array<T | undefined>(dim * dim);
		for (let a = 0; a < this.dim; a++) for (let b = 0; b < this.dim; b++) table[a * dim + b] = this.table[a * this.dim + b];
		this.table = table;
		this.dim = dim;
	}
}
