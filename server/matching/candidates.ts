/**
 * Every mentee against every mentor, once: which pairs are eligible and their score in points. The cheap
 * constraints (report exclusions, capacity, vetting for minors, country and gender preferences) are checked before
 * languages, and languages before the overlap computation (score.ts), which is skipped for mentors a mentee never
 * shares a quarter-hour with (overlap.ts meetingMentors). Pairs in settings.skipPairs are left out
 * without a reason. The result is kept in flat typed arrays (mentee-major), since a cohort of 5,000 × 1,000 has
 * millions of eligible pairs.
 */
import { meetingMentors } from './overlap';
import { PAIR_CONSTRAINTS, type CompiledMentee, type CompiledMentor, type PairEvaluator } from './score';

export interface Candidates {
	mentees: CompiledMentee[];
	mentors: CompiledMentor[];
	/** Eligible pairs of mentee i are the indexes start[i] … start[i + 1] - 1 of `mentor` and `points`. */
	start: Int32Array;
	mentor: Int32Array;
	points: Int32Array;
	/** ruledOut[i × PAIR_CONSTRAINTS.length + k]: mentors that PAIR_CONSTRAINTS[k] was the first to rule out for mentee i. */
	ruledOut: Int32Array;
}

class GrowingInt32 {
	data: Int32Array;
	length = 0;
	constructor(size: number) {
		this.data = new Int32Array(Math.max(16, size));
	}
	push(v: number): void {
		if (this.length === this.data.length) {
			const next = new Int32Array(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		this.data[this.length++] = v;
	}
	done(): Int32Array {
		return this.data.slice(0, this.length);
	}
}

/** Assesses all pairs; `skip` holds, per mentee index, the mentor indexes to leave out silently. */
export function findCandidates({
	evaluator,
	mentees,
	mentors,
	skip
}: {
	evaluator: PairEvaluator;
	mentees: CompiledMentee[];
	mentors: CompiledMentor[];
	skip?: ReadonlyMap<number, ReadonlySet<number>>;
}): Candidates {
	const codes = PAIR_CONSTRAINTS.length;
	const start = new Int32Array(mentees.length + 1);
	const guess = Math.min(mentees.length * mentors.length, 1 << 20);
	const mentor = new GrowingInt32(guess);
	const points = new GrowingInt32(guess);
	const ruledOut = new Int32Array(mentees.length * codes);
	const meeting = meetingMentors(mentors.map((b) => b.profile));
	for (let i = 0; i < mentees.length; i++) {
		const a = mentees[i]!;
		const skipped = skip?.get(i);
		const met = meeting(a.profile);
		for (let j = 0; j < mentors.length; j++) {
			if (skipped?.has(j)) continue;
			const r = evaluator.assess(a, mentors[j]!, ((met[j >> 5]! >>> (j & 31)) & 1) === 1);
			if (r >= 0) {
				mentor.push(j);
				points.push(r);
			} else ruledOut[i * codes - r - 1]!++;
		}
		start[i + 1] = mentor.length;
	}
	return { mentees, mentors, start, mentor: mentor.done(), points: points.done(), ruledOut };
}
