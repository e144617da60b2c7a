import { MIN_CELL_PEOPLE, type Cell } from '../../src/lib/protocol/evaluation';

/**
 * Small-cell suppression, applied before any figure leaves the server. A figure is shown only when the people it
 * describes number at least MIN_CELL_PEOPLE; otherwise it is `null` ("fewer than 5").
 */

/** `value` if `people` (the people the figure describes) reach the threshold, else null. */
export function cell(value: number, people: number): Cell {
	return people >= MIN_CELL_PEOPLE ? value : null;
}

/** A figure that counts people. */
export const peopleCell = (people: number): Cell => cell(people, people);

export interface PartRow<K extends string = string> {
	key: K;
	count: number;
	/** The people the row describes, when it is not `count` itself (pairs describe two each). */
	people?: number;
}

/**
 * Suppresses a partition: rows that add up to a total shown beside them (people by country, pairs by bin). Any row
 * about fewer than five people is withheld, an empty one too. Then, while the withheld rows could be worked out from
 * the total (withheld rows about anyone, but fewer than five people in all), the smallest shown row is withheld as
 * well. Rows keep their order.
 */
export function suppressPartition<K extends string>(rows: PartRow<K>[]): { key: K; count: Cell }[] {
	const people = rows.map((r) => r.people ?? r.count);
	const hidden = people.map((p) => p < MIN_CELL_PEOPLE);
	const hiddenPeople = () => people.reduce((sum, p, i) => sum + (hidden[i] ? p : 0), 0);
	while (hiddenPeople() > 0 && hiddenPeople() < MIN_CELL_PEOPLE) {
		let smallest = -1;
		for (let i = 0; i < rows.length; i++) if (!hidden[i] && (smallest === -1 || people[i]! < people[smallest]!)) smallest = i;
		if (smallest === -1) break;
		hidden[smallest] = true;
	}
	return rows.map((r, i) => ({ key: r.key, count: hidden[i] ? null : r.count }));
}

/**
 * For open-ended keys (countries, language pairs), where even a withheld row would tell that someone from there
 * takes part: rows about fewer than five people are folded into one `other` row, and while that row is about
 * one to four people, the smallest shown row joins it. Shown rows keep their order; `other` comes last, with its
 * count, or not at all when nobody is in it.
 */
export function foldSmall<R extends { key: string; count: number; people?: number }>(rows: R[], merge: (folded: R[]) => R): R[] {
	const people = (r: R) => r.people ?? r.count;
	const shown = rows.filter((r) => people(r) >= MIN_CELL_PEOPLE);
	const folded = rows.filter((r) => people(r) < MIN_CELL_PEOPLE);
	const foldedPeople = () => folded.reduce((sum, r) => sum + people(r), 0);
	while (foldedPeople() > 0 && foldedPeople() < MIN_CELL_PEOPLE && shown.length > 0) {
		const smallest = shown.reduce((a, b) => (people(b) < people(a) ? b : a));
		shown.splice(shown.indexOf(smallest), 1);
		folded.push(smallest);
	}
	if (foldedPeople() === 0) return shown;
	return [...shown, { ...merge(folded), key: 'other' }];
}
