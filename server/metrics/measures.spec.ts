import { describe, expect, it } from 'vitest';
import { coCreation } from './co-creation';
import { communication } from './communication';
import type { EditDay, Facts, MessageDay, PersonFact, SpaceFact, WorkFact } from './facts';
import { ageBand, genderKey, languagePairKey, reach } from './reach';
import { safeguardingHealth } from './safeguarding';

/**
 * A constructed program with known answers. Six pairs (mentee in BR reading pt-BR, mentor in KE reading en), a
 * seventh pair whose mentee withdrew consent (so the pair is out, and her mentor counts as a person only), and one
 * collective of five. Two weeks: Monday 2 March to Sunday 15 March 2026.
 */
const person = (id: string, over: Partial<PersonFact> = {}): PersonFact => ({
	id,
	role: id.startsWith('mentee') ? 'mentee' : 'mentor',
	country: id.startsWith('mentee') ? 'BR' : 'KE',
	gender: null,
	birthDate: id.startsWith('mentee') ? '2011-06-01' : '1990-01-01',
	readingLanguage: id.startsWith('mentee') ? 'pt-BR' : 'en',
	consented: true,
	matched: true,
	...over
});

const PAIRS = 6;
const people: PersonFact[] = [
	...Array.from({ length: PAIRS }, (_, i) => person(`mentee${i}`, { gender: i % 2 ? 'Girl' : 'mujer ' })),
	...Array.from({ length: PAIRS }, (_, i) => person(`mentor${i}`, { gender: i < 3 ? 'male' : 'Woman' })),
	person('mentee6', { consented: false, gender: 'female' }),
	person('mentor6', { gender: 'man' }),
	// The collective: two from ES, three from FR; one has no mentorship.
	...['ES', 'ES', 'FR', 'FR', 'FR'].map((country, i) => person(`mentorC${i}`, { country, readingLanguage: country === 'ES' ? 'es' : 'fr', matched: i !== 4, gender: i === 0 ? 'non-binary' : 'agender fluid' }))
];
const spaces: SpaceFact[] = [
	...Array.from({ length: PAIRS + 1 }, (_, i): SpaceFact => ({ id: `pair${i}`, kind: 'pair', members: [`mentee${i}`, `mentor${i}`], mentorshipId: `m${i}` })),
	{ id: 'coll', kind: 'collective', members: ['mentorC0', 'mentorC1', 'mentorC2', 'mentorC3', 'mentorC4', 'mentee0'], mentorshipId: null },
	{ id: 'trio', kind: 'collective', members: ['mentee1', 'mentee2', 'mentor3'], mentorshipId: null }
];

// Pair i writes (i + 1) messages a day on Monday 2 March, both people; pairs 0–4 also on Wednesday 11 March.
const messageDays: MessageDay[] = [];
for (let i = 0; i < PAIRS; i++) {
	messageDays.push({ spaceId: `pair${i}`, authorId: `mentee${i}`, day: '2026-03-02', messages: i + 1 });
	messageDays.push({ spaceId: `pair${i}`, authorId: `mentor${i}`, day: '2026-03-02', messages: i + 1 });
	if (i < 5) messageDays.push({ spaceId: `pair${i}`, authorId: `mentor${i}`, day: '2026-03-11', messages: 10 });
}
// The withdrawn mentee's pair: never counted, however much it writes.
messageDays.push({ spaceId: 'pair6', authorId: 'mentee6', day: '2026-03-03', messages: 500 }, { spaceId: 'pair6', authorId: 'mentor6', day: '2026-03-03', messages: 500 });
// Outside the period: not counted.
messageDays.push({ spaceId: 'pair0', authorId: 'mentee0', day: '2026-03-16', messages: 99 });
// The collective: four people one day in week 1, all five in week 2.
for (let i = 0; i < 4; i++) messageDays.push({ spaceId: 'coll', authorId: `mentorC${i}`, day: '2026-03-04', messages: 2 });
for (let i = 0; i < 5; i++) messageDays.push({ spaceId: 'coll', authorId: `mentorC${i}`, day: '2026-03-14', messages: 1 });
messageDays.push({ spaceId: 'trio', authorId: 'mentee1', day: '2026-03-10', messages: 3 });

const works: WorkFact[] = [
	// Pairs 0–5: one text each, both contributors (BR + KE: cross-border).
	...Array.from({ length: PAIRS }, (_, i): WorkFact => ({ id: `doc${i}`, spaceId: `pair${i}`, kind: 'text', createdOn: '2026-03-02', contributors: [{ userId: `mentee${i}`, updates: 10 * (i + 1) }, { userId: `mentor${i}`, updates: 5 }] })),
	// The collective's canvas: ES and FR contributors. A second canvas only its non-consenting visitor touched: not a work that counts.
	{ id: 'canvas', spaceId: 'coll', kind: 'canvas', createdOn: '2026-03-05', contributors: [{ userId: 'mentorC0', updates: 300 }, { userId: 'mentorC2', updates: 1200 }] },
	{ id: 'canvas-fr', spaceId: 'coll', kind: 'canvas', createdOn: '2026-03-05', contributors: [{ userId: 'mentorC2', updates: 3 }, { userId: 'mentorC3', updates: 4 }] },
	// The withdrawn pair's document: not counted.
	{ id: 'doc6', spaceId: 'pair6', kind: 'text', createdOn: '2026-03-02', contributors: [{ userId: 'mentee6', updates: 50 }, { userId: 'mentor6', updates: 50 }] },
	// Created after the period: not counted.
	{ id: 'late', spaceId: 'pair0', kind: 'canvas', createdOn: '2026-03-20', contributors: [{ userId: 'mentee0', updates: 1 }] }
];
const editDays: EditDay[] = [
	...Array.from({ length: PAIRS }, (_, i): EditDay => ({ documentId: `doc${i}`, userId: `mentee${i}`, day: '2026-03-03' })),
	{ documentId: 'canvas', userId: 'mentorC0', day: '2026-03-12' },
	{ documentId: 'doc6', userId: 'mentee6', day: '2026-03-12' }
];

const facts: Facts = { from: '2026-03-02', to: '2026-03-15', people, spaces, messageDays, works, editDays };

describe('communication frequency', () => {
	const result = communication(facts);

	it('counts weeks from Monday, only consenting people in spaces that count, only inside the period', () => {
		expect(result.weeks.map((w) => w.week)).toEqual(['2026-03-02', '2026-03-09']);
		const [first, second] = result.weeks;
		// Week 1: pairs 2·(1+…+6) = 42, collective 4·2 = 8. The withdrawn pair's 1,000 are not there.
		expect(first!.messages).toBe(50);
		expect(first!.activePairs).toBe(6);
		// 12 pair people wrote; 4 in the collective; 6 mentees also edited (already counted).
		expect(first!.activePeople).toBe(16);
		// Messages per active pair in week 1: 2, 4, 6, 8, 10, 12 → median 7; one active day each.
		expect(first!.pairMessagesMedian).toBe(7);
		expect(first!.pairActiveDaysMedian).toBe(1);
		// Week 2: 5 pairs × 10 = 50, collective 5, trio 3; the mentor who edited the canvas was already active.
		expect(second!.messages).toBe(58);
		expect(second!.activePairs).toBe(5);
		expect(second!.pairMessagesMedian).toBe(10);
	});

	it('withholds what describes fewer than five people, and what would give it away', () => {
		const [first, second] = result.weeks;
		// Week 1: four artists wrote in the collective; its figures describe those four, not its six members.
		expect(first!.activeCollectives).toBeNull();
		expect(first!.collectiveMessagesMedian).toBeNull();
		// Week 2: five artists and mentee1 in the trio: six writers; a median of two collectives is withheld all the same.
		expect(second!.activeCollectives).toBe(2);
		expect(second!.collectiveMessagesMedian).toBeNull();
		// Over the period the trio (one writer) is alone in its bin: withheld; and the collective's bin would give
		// it away (two collectives counted), so it is withheld too.
		expect(result.collectiveMessages.collectives).toBe(2);
		expect(result.collectiveMessages.bins.every((b) => b.count === null)).toBe(true);
		expect(result.collectiveMessages.spread.median).toBeNull();
		expect(first!.activePairs).toBe(6);
	});

	it('counts a mentor with three mentees as four people, not six', () => {
		const small: Facts = {
			...facts,
			people: ['mentor0', 'mentee0', 'mentee1', 'mentee2'].map((id) => person(id)),
			spaces: [0, 1, 2].map((i) => ({ id: `s${i}`, kind: 'pair' as const, members: [`mentee${i}`, 'mentor0'], mentorshipId: `m${i}` })),
			messageDays: [0, 1, 2].map((i) => ({ spaceId: `s${i}`, authorId: 'mentor0', day: '2026-03-02', messages: i + 1 })),
			works: [],
			editDays: []
		};
		const [week] = communication(small).weeks;
		expect(week!.activePairs).toBeNull();
		expect(week!.pairMessagesMedian).toBeNull();
		expect(communication(small).pairMessages.pairs).toBeNull();
		expect(reach(small).pairs).toBeNull();
	});

	it('gives the distribution of messages per pair over the period', () => {
		// Totals per pair: 2, 4, 6, 8, 10, 12 + 10 for pairs 0–4 → 12, 14, 16, 18, 20, 12.
		expect(result.pairMessages.pairs).toBe(6);
		expect(result.pairMessages.spread.median).toBe(15);
		// Bins: 10–24 holds all six pairs; the empty bins are withheld.
		expect(result.pairMessages.bins.find((b) => b.min === 10)!.count).toBe(6);
		expect(result.pairMessages.bins.filter((b) => b.min !== 10).every((b) => b.count === null)).toBe(true);
		expect(result.pairActiveDays.median).toBe(2);
	});
});

describe('co-creation', () => {
	const result = coCreation(facts);

	it('counts works with consenting contributors, and the cross-border ones', () => {
		// Six pair texts and two collective canvases; not the withdrawn pair's, not the one made after the period.
		expect(result.works).toBe(8);
		// Two canvases by three people: fewer than five; and the six texts would give them away (8 − 6).
		expect(result.canvases).toBeNull();
		expect(result.texts).toBeNull();
		// Six pair texts (BR + KE) and the ES + FR canvas; canvas-fr is FR only.
		expect(result.crossBorderWorks).toBe(7);
		expect(result.crossBorderShare).toBeCloseTo(7 / 8);
	});

	it('gives contributors per work and edits per contributor', () => {
		expect(result.contributorsPerWork.find((b) => b.min === 2)!.count).toBe(8);
		expect(result.editsPerContributor.contributors).toBe(15);
		// Six mentors with 5 each; mentees 10…60; mentorC0 300; mentorC2 1203; mentorC3 4.
		expect(result.editsPerContributor.spread.median).toBe(10);
		expect(result.weeks.map((w) => w.worksEdited)).toEqual([6, null]);
	});
});

describe('reach and balance', () => {
	const result = reach(facts);

	it('counts consenting participants only, by country, role, age band and gender', () => {
		expect(result.participants).toBe(18);
		// France (3) and Spain (2) are not named: together they are `other`.
		expect(result.byCountry).toEqual([
			{ key: 'KE', count: 7 },
			{ key: 'BR', count: 6 },
			{ key: 'other', count: 5 }
		]);
		expect(Object.fromEntries(result.byRole.map((r) => [r.key, r.count]))).toEqual({ mentee: 6, mentor: 12 });
		// Mentees born 2011-06-01 are 14 on 15 March 2026.
		expect(result.byAgeBand.find((r) => r.key === '13-15')!.count).toBe(6);
		expect(result.byAgeBand.find((r) => r.key === '25-39')!.count).toBe(12);
		// Women: 6 mentees ("Girl", "mujer ") + 3 mentors; men: 3 mentors + mentor6; non-binary 1 and other 4, both withheld.
		expect(Object.fromEntries(result.byGender.map((r) => [r.key, r.count]))).toEqual({ woman: 9, man: null, 'non-binary': null, other: null, 'not-said': null });
	});

	it('finds the language pairs that rely on machine translation', () => {
		expect(result.pairs).toBe(6);
		expect(result.translatedPairs).toBe(6);
		expect(result.languagePairs).toEqual([{ key: 'en|pt', machineTranslated: true, pairs: 6, people: 12 }]);
		// One unmatched person: withheld, and so is the matched count, which would give it away.
		expect(result.matched).toEqual({ matched: null, unmatched: null });
	});
});

describe('safeguarding health', () => {
	const ids = Array.from({ length: 13 }, (_, i) => `p${i}`);
	const filter = { cohort: null, from: '2026-03-02', to: '2026-03-15', timeZone: 'UTC', quietDays: 14 };
	const result = safeguardingHealth(
		{
			from: filter.from,
			to: filter.to,
			people: [...ids.map((id) => ({ id, consented: true })), { id: 'gone', consented: false }],
			reports: [
				...ids.slice(0, 6).map((id, i) => ({ reporterId: id, openedOn: '2026-03-03', closedOn: i < 5 ? '2026-03-04' : null, open: i >= 5, hoursToFirstAction: i < 5 ? (i + 1) * 2 : null })),
				{ reporterId: 'gone', openedOn: '2026-03-03', closedOn: null, open: true, hoursToFirstAction: 1 },
				{ reporterId: 'p7', openedOn: '2026-02-20', closedOn: '2026-03-05', open: false, hoursToFirstAction: 300 }
			],
			held: ids.map((id, i) => ({ authorId: id, heldOn: '2026-03-10', status: i < 6 ? ('approved' as const) : i < 11 ? ('rejected' as const) : ('superseded' as const) }))
		},
		filter
	);

	it('counts reports by consenting reporters and the median time to first action', () => {
		expect(result.reportsOpened).toBe(6);
		// p0–p4 in the period, and p7's older report: six reporters.
		expect(result.reportsClosed).toBe(6);
		// One open report by a consenting reporter: withheld.
		expect(result.reportsOpenNow).toBeNull();
		// 2, 4, 6, 8, 10 hours.
		expect(result.medianHoursToFirstAction).toBe(6);
		// Six approved, five rejected, two superseded: the two are withheld, and the five with them, or the total
		// of held texts would give the two away.
		expect(result.held).toEqual({ held: null, approved: 6, rejected: null, superseded: null, blocked: null });
		// Weeks add up to the period: the week with the six reports shows, the empty one gives nothing away.
		expect(result.weeks.map((w) => w.reportsOpened)).toEqual([6, null]);
		expect(result.weeks.map((w) => w.held)).toEqual([null, 13]);
	});
});

describe('labels', () => {
	it('reads self-described genders in several languages, and keeps the rest as other', () => {
		expect(['Woman', 'FEMME', 'mulher', 'أنثى'].map(genderKey)).toEqual(['woman', 'woman', 'woman', 'woman']);
		expect(['male', 'Hombre', 'ذكر'].map(genderKey)).toEqual(['man', 'man', 'man']);
		expect(['non-binary', 'No binario', 'enby'].map(genderKey)).toEqual(['non-binary', 'non-binary', 'non-binary']);
		expect(genderKey('two-spirit')).toBe('other');
		expect(genderKey('  ')).toBe('not-said');
		expect(genderKey(null)).toBe('not-said');
	});

	it('bands ages on the day of the period, birthdays counted', () => {
		expect(ageBand('2010-03-15', '2026-03-15')).toBe('16-17');
		expect(ageBand('2010-03-16', '2026-03-15')).toBe('13-15');
		expect(ageBand('2008-03-15', '2026-03-15')).toBe('18-24');
	});

	it('keys a language pair by the languages translation serves', () => {
		expect(languagePairKey('pt-BR', 'en')).toBe('en|pt');
		expect(languagePairKey('es-MX', 'es')).toBe('es');
	});
});
