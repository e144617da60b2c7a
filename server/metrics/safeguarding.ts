import type { EvaluationFilter, SafeguardingHealth } from '../../src/lib/protocol/evaluation';
import { weekOf, weeksBetween } from './calendar';
import type { HeldFact, PersonFact, ReportFact } from './facts';
import { median } from './stats';
import { cell, suppressPartition } from './suppress';

export interface SafeguardingFacts {
	from: string;
	to: string;
	people: Pick<PersonFact, 'id' | 'consented'>[];
	reports: ReportFact[];
	held: HeldFact[];
}

const distinct = (ids: (string | null)[]) => new Set(ids).size;

/**
 * Safeguarding health for moderators: reports opened and closed in the period, open now, the median time to a
 * moderator's first action, and what became of held texts. Reports count by consenting reporters and held texts by
 * consenting authors; each figure describes the distinct people behind it.
 */
export function safeguardingHealth(facts: SafeguardingFacts, filter: EvaluationFilter): SafeguardingHealth {
	const consented = new Set(facts.people.filter((p) => p.consented).map((p) => p.id));
	const reports = facts.reports.filter((r) => r.reporterId !== null && consented.has(r.reporterId));
	const inPeriod = (day: string | null) => day !== null && day >= facts.from && day <= facts.to;
	const opened = reports.filter((r) => inPeriod(r.openedOn));
	const closed = reports.filter((r) => inPeriod(r.closedOn));
	const openNow = reports.filter((r) => r.open);
	const acted = opened.filter((r) => r.hoursToFirstAction !== null);
	const held = facts.held.filter((h) => h.authorId !== null && consented.has(h.authorId) && inPeriod(h.heldOn));
	const statuses = ['held', 'approved', 'rejected', 'superseded', 'blocked'] as const;
	const outcomes = suppressPartition(
		statuses.map((status) => {
			const rows = held.filter((h) => h.status === status);
			return { key: status, count: rows.length, people: distinct(rows.map((h) => h.authorId)) };
		})
	);
	const outcome = (status: (typeof statuses)[number]) => outcomes.find((o) => o.key === status)!.count;
	// The weeks add up to the period's figures: withheld as a partition, so a withheld week cannot be worked out.
	const weeks = weeksBetween(facts.from, facts.to);
	const weeklyReports = suppressPartition(
		weeks.map((week) => {
			const rows = opened.filter((r) => weekOf(r.openedOn) === week);
			return { key: week, count: rows.length, people: distinct(rows.map((r) => r.reporterId)) };
		})
	);
	const weeklyHeld = suppressPartition(
		weeks.map((week) => {
			const rows = held.filter((h) => weekOf(h.heldOn) === week);
			return { key: week, count: rows.length, people: distinct(rows.map((h) => h.authorId)) };
		})
	);
	return {
		filter,
		reportsOpened: cell(opened.length, distinct(opened.map((r) => r.reporterId))),
		reportsClosed: cell(closed.length, distinct(closed.map((r) => r.reporterId))),
		reportsOpenNow: cell(openNow.length, distinct(openNow.map((r) => r.reporterId))),
		medianHoursToFirstAction: acted.length === 0 ? null : cell(median(acted.map((r) => r.hoursToFirstAction!))!, distinct(acted.map((r) => r.reporterId))),
		held: { held: outcome('held'), approved: outcome('approved'), rejected: outcome('rejected'), superseded: outcome('superseded'), blocked: outcome('blocked') },
		weeks: weeks.map((week, i) => ({ week, reportsOpened: weeklyReports[i]!.count, held: weeklyHeld[i]!.count }))
	};
}
