/**
 * Z-order by fractional index: each shape stores `z`, a string compared in plain (code unit) order. A key can
 * always be made between two others, so reordering or adding a shape writes one field of one shape and
 * concurrent edits never renumber anything. Two people who add at the same moment may pick the same key; ties
 * are broken by shape id, the same on every client.
 *
 * Keys follow David Greenspan's scheme as implemented in rocicorp/fractional-indexing (CC0): base-62 digits,
 * an integer part whose first character gives its length (`a0`, `a1`, ... `az`, `b00`, ...; `Z.`/`Y..` below
 * `a0`), then an optional fraction with no trailing zero. Appending on top only increments the integer part,
 * so a thousand shapes in a row still have keys of three characters.
 */

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SMALLEST_INTEGER = `A${'0'.repeat(26)}`;

/** The key of the first shape on an empty canvas. */
export const FIRST_KEY = 'a0';

function integerLength(head: string): number {
	if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 'a'.charCodeAt(0) + 2;
	if (head >= 'A' && head <= 'Z') return 'Z'.charCodeAt(0) - head.charCodeAt(0) + 2;
	throw new Error(`invalid z key head: ${head}`);
}

function integerPart(key: string): string {
	const length = integerLength(key[0] ?? '');
	if (length > key.length) throw new Error(`invalid z key: ${key}`);
	return key.slice(0, length);
}

function validate(key: string): void {
	if (key === SMALLEST_INTEGER) throw new Error(`invalid z key: ${key}`);
	for (const ch of key.slice(1)) if (!DIGITS.includes(ch)) throw new Error(`invalid z key: ${key}`);
	const fraction = key.slice(integerPart(key).length);
	if (fraction.endsWith('0')) throw new Error(`invalid z key: ${key}`);
}

/** Whether `key` is a usable z key. */
export function isZKey(key: unknown): key is string {
	if (typeof key !== 'string' || key.length === 0 || key.length > 200) return false;
	try {
		validate(key);
		return true;
	} catch {
		return false;
	}
}

/** A fraction strictly between fractions `a` and `b` (b null = 1). */
function midpoint(a: string, b: string | null): string {
	if (b !== null && a >= b) throw new Error(`z keys out of order: ${a} >= ${b}`);
	if (b !== null) {
		// Skip the common prefix ("a" is padded with zeros).
		let n = 0;
		while ((a[n] ?? '0') === b[n]) n++;
		if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
	}
	const digitA = a ? DIGITS.indexOf(a[0]!) : 0;
	const digitB = b !== null ? DIGITS.indexOf(b[0]!) : DIGITS.length;
	if (digitB - digitA > 1) return DIGITS[Math.round(0.5 * (digitA + digitB))]!;
	// The first digits are consecutive.
	if (b !== null && b.length > 1) return b.slice(0, 1);
	return DIGITS[digitA]! + midpoint(a.slice(1), null);
}

function increment(integer: string): string | null {
	const [head, ...digits] = integer.split('') as [string, ...string[]];
	let carry = true;
	for (let i = digits.length - 1; carry && i >= 0; i--) {
		const d = DIGITS.indexOf(digits[i]!) + 1;
		if (d === DIGITS.length) digits[i] = '0';
		else {
			digits[i] = DIGITS[d]!;
			carry = false;
		}
	}
	if (!carry) return head + digits.join('');
	if (head === 'Z') return 'a0';
	if (head === 'z') return null;
	const next = String.fromCharCode(head.charCodeAt(0) + 1);
	if (next > 'a') digits.push('0');
	else digits.pop();
	return next + digits.join('');
}

function decrement(integer: string): string | null {
	const [head, ...digits] = integer.split('') as [string, ...string[]];
	let borrow = true;
	for (let i = digits.length - 1; borrow && i >= 0; i--) {
		const d = DIGITS.indexOf(digits[i]!) - 1;
		if (d === -1) digits[i] = DIGITS.at(-1)!;
		else {
			digits[i] = DIGITS[d]!;
			borrow = false;
		}
	}
	if (!borrow) return head + digits.join('');
	if (head === 'a') return `Z${DIGITS.at(-1)}`;
	if (head === 'A') return null;
	const next = String.fromCharCode(head.charCodeAt(0) - 1);
	if (next < 'Z') digits.push(DIGITS.at(-1)!);
	else digits.pop();
	return next + digits.join('');
}

/** A key strictly between `a` and `b` (null = the very bottom / the very top). Throws unless a < b. */
export function keyBetween(a: string | null, b: string | null): string {
	if (a !== null) validate(a);
	if (b !== null) validate(b);
	if (a !== null && b !== null && a >= b) throw new Error(`z keys out of order: ${a} >= ${b}`);
	if (a === null) {
		if (b === null) return FIRST_KEY;
		const ib = integerPart(b);
		const fb = b.slice(ib.length);
		if (ib === SMALLEST_INTEGER) return ib + midpoint('', fb);
		if (ib < b) return ib;
		const below = decrement(ib);
		if (below === null) throw new Error('cannot make a z key any lower');
		return below;
	}
	const ia = integerPart(a);
	const fa = a.slice(ia.length);
	if (b === null) return increment(ia) ?? ia + midpoint(fa, null);
	const ib = integerPart(b);
	if (ia === ib) return ia + midpoint(fa, b.slice(ib.length));
	const next = increment(ia);
	if (next === null) throw new Error('cannot make a z key any higher');
	return next < b ? next : ia + midpoint(fa, null);
}

export interface ZOrdered {
	id: string;
	z: string;
}

/** Back-to-front order: by z, then by id. */
export function compareZ(a: ZOrdered, b: ZOrdered): number {
	if (a.z !== b.z) return a.z < b.z ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A new array, back to front. */
export function sortByZ<T extends ZOrdered>(shapes: readonly T[]): T[] {
	return [...shapes].sort(compareZ);
}

/** A key above every shape (for a new shape). */
export function topKey(shapes: readonly ZOrdered[]): string {
	let top: string | null = null;
	for (const s of shapes) if (top === null || s.z > top) top = s.z;
	return keyBetween(top, null);
}

/**
 * The new z for `id` to sit just above the next shape up, or null when it is already at the front.
 * Shapes that share a key (added at the same moment by two people) are passed together.
 */
export function forwardKey(shapes: readonly ZOrdered[], id: string): string | null {
	const sorted = sortByZ(shapes);
	const i = sorted.findIndex((s) => s.id === id);
	if (i < 0 || i === sorted.length - 1) return null;
	const next = sorted[i + 1]!;
	const above = sorted.slice(i + 2).find((s) => s.z > next.z);
	return keyBetween(next.z, above?.z ?? null);
}

/** The new z for `id` to sit just below the next shape down, or null when it is already at the back. */
export function backwardKey(shapes: readonly ZOrdered[], id: string): string | null {
	const sorted = sortByZ(shapes);
	const i = sorted.findIndex((s) => s.id === id);
	if (i <= 0) return null;
	const prev = sorted[i - 1]!;
	const below = sorted
		.slice(0, i - 1)
		.reverse()
		.find((s) => s.z < prev.z);
	return keyBetween(below?.z ?? null, prev.z);
}
