import type { CoCreation } from '../../src/lib/protocol/evaluation';
import { weekOf, weeksBetween } from './calendar';
import { binned, spread } from './communication';
import { consenting, countedSpaces, type Facts, type WorkFact } from './facts';
import { cell, peopleCell, suppressPartition } from './suppress';

export const WORKS_PER_SPACE_BINS: [number, number | null][] = [
	[0, 0],
	[1, 1],
	[2, 2],
	[3, 4],
	[5, null]
];
export const CONTRIBUTOR_BINS: [number, number | null][] = [
	[1, 1],
	[2, 2],
	[3, 3],
	[4, null]
];
export const EDIT_BINS: [number, number | null][] = [
	[1, 9],
	[10, 49],
	[50, 199],
	[200, 999],
	[1000, null]
];

interface CountedWork extends WorkFact {
	/** Consenting members of the work's space who edited it. */
	counted: { userId: string; updates: number }[];
	countries: Set<string>;
}

/**
 * Co-creation: works (documents and canvases) created by the end of the period in spaces that count, with the
 * consenting members who edited them (from Yjs attribution). A work with no such contributor is not counted; a work
 * is cross-border when its counted contributors come from two or more countries.
 */
export function coCreation(facts: Facts): CoCreation {
	const people = consenting(facts);
	const spaces = countedSpaces(facts);
	const works: CountedWork[] = [];
	for (const work of facts.works) {
		const space = spaces.get(work.spaceId);
		if (!space || work.createdOn > facts.to) continue;
		const counted = work.contributors.filter((c) => c.updates > 0 && space.members.includes(c.userId));
		if (counted.length === 0) continue;
		works.push({ ...work, counted, countries: new Set(counted.map((c) => people.get(c.userId)!.country)) });
	}
	const contributorsOf = (list: CountedWork[]) => new Set(list.flatMap((w) => w.counted.map((c) => c.userId))).size;
	const texts = works.filter((w) => w.kind === 'text');
	const canvases = works.filter((w) => w.kind === 'canvas');
	const crossBorder = works.filter((w) => w.countries.size >= 2);
	const everyone = contributorsOf(works);

	const worksCell = cell(works.length, everyone);
	const crossBorderCell = cell(crossBorder.length, contributorsOf(crossBorder));
	const editsBy = new Map<string, number>();
	for (const work of works) for (const c of work.counted) editsBy.set(c.userId, (editsBy.get(c.userId) ?? 0) + c.updates);
	const spaceWorks = [...spaces.values()].map((space) => ({ space, works: works.filter((w) => w.spaceId === space.id).length }));

	const counted = new Map(works.map((w) => [w.id, w]));
	const weeks = weeksBetween(facts.from, facts.to).map((week) => ({ week, works: new Set<string>(), people: new Set<string>() }));
	const byWeek = new Map(weeks.map((w) => [w.week, w]));
	for (const edit of facts.editDays) {
		const work = counted.get(edit.documentId);
		if (!work || edit.day < facts.from || edit.day > facts.to || !work.counted.some((c) => c.userId === edit.userId)) continue;
		const week = byWeek.get(weekOf(edit.day))!;
		week.works.add(work.id);
		week.people.add(edit.userId);
	}

	// Texts and canvases add up to the works shown: withheld together when one alone would be given away.
	const [textsCell, canvasesCell] = suppressPartition([
		{ key: 'text', count: texts.length, people: contributorsOf(texts) },
		{ key: 'canvas', count: canvases.length, people: contributorsOf(canvases) }
	]);
	return {
		works: worksCell,
		texts: textsCell!.count,
		canvases: canvasesCell!.count,
		crossBorderWorks: crossBorderCell,
		crossBorderShare: worksCell !== null && crossBorderCell !== null && works.length > 0 ? crossBorder.length / works.length : null,
		worksPerSpace: binned(spaceWorks, (s) => s.works, (s) => s.space.members, WORKS_PER_SPACE_BINS),
		contributorsPerWork: binned(works, (w) => w.counted.length, (w) => w.counted.map((c) => c.userId), CONTRIBUTOR_BINS),
		editsPerContributor: {
			bins: binned([...editsBy], ([, n]) => n, ([id]) => [id], EDIT_BINS),
			spread: spread([...editsBy.values()], editsBy.size),
			contributors: peopleCell(editsBy.size)
		},
		weeks: weeks.map((w) => ({ week: w.week, worksEdited: cell(w.works.size, w.people.size), contributors: peopleCell(w.people.size) }))
	};
}
