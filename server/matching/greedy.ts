/**
 * The baseline the exact assignment is measured against: mentees in the candidates' order each take their best
 * remaining mentor (most points, then the lower mentor index), while mentors have room. With a balance rule, a
 * mentor is taken only if the share of the mentor's group stays within it after the pair is added (balance.ts).
 */
import type { Candidates } from './candidates';

export interface GreedyBalance {
	/** Per mentor: its group, or -1 for none. */
	of: Int32Array;
	maxShare: number;
}

/** Per mentee: the index of its mentor, or -1. */
export function greedyAssign(c: Candidates, balance: GreedyBalance | null = null): Int32Array {
	const room = Int32Array.from(c.mentors, (b) => Math.max(0, Math.floor(b.person.capacity)));
	const groupCount = balance ? Math.max(0, ...balance.of) + 1 : 0;
	const taken = new Int32Array(groupCount);
	let matched = 0;
	const mentorOf = new Int32Array(c.mentees.length).fill(-1);
	for (let i = 0; i < c.mentees.length; i++) {
		let pick = -1;
		for (let p = c.start[i]!; p < c.start[i + 1]!; p++) {
			const j = c.mentor[p]!;
			if (room[j]! <= 0) continue;
			const g = balance ? balance.of[j]! : -1;
			if (g >= 0 && taken[g]! + 1 > Math.floor(balance!.maxShare * (matched + 1))) continue;
			if (pick < 0 || c.points[p]! > c.points[pick]! || (c.points[p] === c.points[pick] && j < c.mentor[pick]!)) pick = p;
		}
		if (pick < 0) continue;
		const j = c.mentor[pick]!;
		mentorOf[i] = j;
		room[j]!--;
		matched++;
		if (balance && balance.of[j]! >= 0) taken[balance.of[j]!]!++;
	}
	return mentorOf;
}
