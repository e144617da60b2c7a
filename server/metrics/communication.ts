import { MIN_CELL_PEOPLE, type Bin, type Cell, type Communication, type Spread, type WeekRow } from '../../src/lib/protocol/evaluation';
import { weekOf, weeksBetween } from './calendar';
import { consenting, countedSpaces, type Facts, type SpaceFact } from './facts';
import { median, quantile } from './stats';
import { cell, peopleCell, suppressPartition } from './suppress';

/** Messages per pair or collective over the whole period. */
export const MESSAGE_BINS: [number, number | null][] = [
	[0, 0],
	[1, 9],
	[10, 24],
	[25, 49],
	[50, 99],
	[100, null]
];

/**
 * A spread (median and quartiles) of one value per unit (pair, collective, contributor), about `people` people.
 * Over fewer than five units an order statistic is one unit's own value, so it is withheld then too.
 */
export function spread(values: number[], people: number): Spread {
	if (values.length < MIN_CELL_PEOPLE) return { median: null, p25: null, p75: null };
	return { median: cell(median(values)!, people), p25: cell(quantile(values, 0.25)!, people), p75: cell(quantile(values, 0.75)!, people) };
}

/** Units (pairs, collectives, works...) per bin of a value; each bin describes the distinct people of its units. */
export function binned<T>(units: T[], valueOf: (u: T) => number, peopleOf: (u: T) => string[], edges: [number, number | null][]): Bin[] {
	const rows = edges.map(([min, max]) => {
		const inBin = units.filter((u) => valueOf(u) >= min && (max === null || valueOf(u) <= max));
		return { key: `${min}`, count: inBin.length, people: new Set(inBin.flatMap(peopleOf)).size };
	});
	return suppressPartition(rows).map((r, i) => ({ min: edges[i]![0], max: edges[i]![1], count: r.count }));
}

interface SpaceTotals {
	space: SpaceFact;
	messages: number;
	days: Set<string>;
	writers: Set<string>;
}

/** Whom a figure about some spaces describes: those who wrote in them, or, for a space nobody wrote in, its members. */
const describedBy = (t: SpaceTotals): string[] => (t.writers.size > 0 ? [...t.writers] : t.space.members);
const peopleOf = (list: SpaceTotals[]) => new Set(list.flatMap(describedBy)).size;

/**
 * Communication frequency: messages and active days per pair and per collective, week by week and over the
 * period. Only consenting people's messages count, in spaces that count (see `countedSpaces`).
 */
export function communication(facts: Facts): Communication {
	const people = consenting(facts);
	const spaces = countedSpaces(facts);
	const weeks = weeksBetween(facts.from, facts.to);

	// Per week and per space: messages and days; per week: the people who wrote or edited.
	const weekly = new Map<string, Map<string, SpaceTotals>>(weeks.map((w) => [w, new Map()]));
	const total = new Map<string, SpaceTotals>([...spaces.values()].map((s) => [s.id, { space: s, messages: 0, days: new Set(), writers: new Set() }]));
	const activeInWeek = new Map<string, Set<string>>(weeks.map((w) => [w, new Set()]));
	const messagesInWeek = new Map<string, number>(weeks.map((w) => [w, 0]));
	const writersInWeek = new Map<string, Set<string>>(weeks.map((w) => [w, new Set()]));
	for (const row of facts.messageDays) {
		const space = spaces.get(row.spaceId);
		if (!space || !space.members.includes(row.authorId) || row.day < facts.from || row.day > facts.to) continue;
		const week = weekOf(row.day);
		const bySpace = weekly.get(week)!;
		const totals = bySpace.get(space.id) ?? { space, messages: 0, days: new Set<string>(), writers: new Set<string>() };
		totals.messages += row.messages;
		totals.days.add(row.day);
		totals.writers.add(row.authorId);
		bySpace.set(space.id, totals);
		const all = total.get(space.id)!;
		all.messages += row.messages;
		all.days.add(row.day);
		all.writers.add(row.authorId);
		activeInWeek.get(week)!.add(row.authorId);
		writersInWeek.get(week)!.add(row.authorId);
		messagesInWeek.set(week, messagesInWeek.get(week)! + row.messages);
	}
	const workSpace = new Map(facts.works.map((w) => [w.id, w.spaceId]));
	for (const edit of facts.editDays) {
		const space = spaces.get(workSpace.get(edit.documentId) ?? '');
		if (!space || !people.has(edit.userId) || !space.members.includes(edit.userId) || edit.day < facts.from || edit.day > facts.to) continue;
		activeInWeek.get(weekOf(edit.day))?.add(edit.userId);
	}

	const rows: WeekRow[] = weeks.map((week) => {
		const active = [...weekly.get(week)!.values()];
		const pairs = active.filter((t) => t.space.kind === 'pair');
		const collectives = active.filter((t) => t.space.kind === 'collective');
		const pairPeople = peopleOf(pairs);
		const collectivePeople = peopleOf(collectives);
		return {
			week,
			messages: cell(messagesInWeek.get(week)!, writersInWeek.get(week)!.size),
			activePeople: peopleCell(activeInWeek.get(week)!.size),
			activePairs: cell(pairs.length, pairPeople),
			activeCollectives: cell(collectives.length, collectivePeople),
			pairMessagesMedian: medianCell(pairs.map((t) => t.messages), pairPeople),
			pairActiveDaysMedian: medianCell(pairs.map((t) => t.days.size), pairPeople),
			collectiveMessagesMedian: medianCell(collectives.map((t) => t.messages), collectivePeople),
			collectiveActiveDaysMedian: medianCell(collectives.map((t) => t.days.size), collectivePeople)
		};
	});

	const pairs = [...total.values()].filter((t) => t.space.kind === 'pair');
	const collectives = [...total.values()].filter((t) => t.space.kind === 'collective');
	const pairPeople = peopleOf(pairs);
	const collectivePeople = peopleOf(collectives);
	return {
		weeks: rows,
		pairMessages: {
			bins: binned(pairs, (t) => t.messages, describedBy, MESSAGE_BINS),
			spread: spread(pairs.map((t) => t.messages), pairPeople),
			pairs: cell(pairs.length, pairPeople)
		},
		collectiveMessages: {
			bins: binned(collectives, (t) => t.messages, describedBy, MESSAGE_BINS),
			spread: spread(collectives.map((t) => t.messages), collectivePeople),
			collectives: cell(collectives.length, collectivePeople)
		},
		pairActiveDays: spread(pairs.map((t) => t.days.size), pairPeople),
		collectiveActiveDays: spread(collectives.map((t) => t.days.size), collectivePeople)
	};
}

const medianCell = (values: number[], people: number): Cell => (values.length < MIN_CELL_PEOPLE ? null : cell(median(values)!, people));
