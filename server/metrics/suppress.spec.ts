import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_CELL_PEOPLE } from '../../src/lib/protocol/evaluation';
import type { Facts, PersonFact } from './facts';
import { reach } from './reach';
import { cell, foldSmall, peopleCell, suppressPartition } from './suppress';

describe('small-cell suppression', () => {
	it('shows a figure only when it describes five people or more', () => {
		expect(cell(12, 4)).toBeNull();
		expect(cell(12, 5)).toBe(12);
		expect(peopleCell(0)).toBeNull();
		expect(peopleCell(5)).toBe(5);
	});

	it('withholds a second row when one withheld row could be worked out from the total', () => {
		expect(suppressPartition([{ key: 'a', count: 20 }, { key: 'b', count: 9 }, { key: 'c', count: 2 }])).toEqual([
			{ key: 'a', count: 20 },
			{ key: 'b', count: null },
			{ key: 'c', count: null }
		]);
		// Two withheld rows about five or more people together: nothing more to hide.
		expect(suppressPartition([{ key: 'a', count: 20 }, { key: 'b', count: 3 }, { key: 'c', count: 2 }]).map((r) => r.count)).toEqual([20, null, null]);
		// Rows about nobody are withheld but give nothing away.
		expect(suppressPartition([{ key: 'a', count: 20 }, { key: 'b', count: 0 }]).map((r) => r.count)).toEqual([20, null]);
		// Pairs describe two people each: two pairs are four people.
		expect(suppressPartition([{ key: 'x', count: 2, people: 4 }, { key: 'y', count: 3, people: 6 }, { key: 'z', count: 8, people: 16 }]).map((r) => r.count)).toEqual([null, null, 8]);
	});

	it('folds open-ended keys about fewer than five people into `other`, so nobody learns who takes part from where', () => {
		const merge = (rows: { key: string; count: number }[]) => ({ key: 'other', count: rows.reduce((sum, r) => sum + r.count, 0) });
		// One person from Iceland: not named; folded with the smallest named country so `other` is five or more.
		expect(foldSmall([{ key: 'BR', count: 9 }, { key: 'KE', count: 6 }, { key: 'IS', count: 1 }], merge)).toEqual([
			{ key: 'BR', count: 9 },
			{ key: 'other', count: 7 }
		]);
		expect(foldSmall([{ key: 'BR', count: 9 }, { key: 'FR', count: 3 }, { key: 'ES', count: 2 }], merge)).toEqual([
			{ key: 'BR', count: 9 },
			{ key: 'other', count: 5 }
		]);
		expect(foldSmall([{ key: 'BR', count: 9 }], merge)).toEqual([{ key: 'BR', count: 9 }]);
	});

	it('never shows a row about fewer than five people, nor lets the withheld ones be worked out (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 12 }), (counts) => {
				const rows = suppressPartition(counts.map((count, i) => ({ key: String(i), count })));
				const hidden = counts.filter((_, i) => rows[i]!.count === null);
				const hiddenPeople = hidden.reduce((a, b) => a + b, 0);
				for (const [i, row] of rows.entries()) if (row.count !== null) expect(counts[i]).toBeGreaterThanOrEqual(MIN_CELL_PEOPLE);
				// Whatever is withheld adds up to nobody, or to five people or more.
				expect(hiddenPeople === 0 || hiddenPeople >= MIN_CELL_PEOPLE || hidden.length === counts.length).toBe(true);
			})
		);
	});

	it('reach shows no count of fewer than five people, whatever the program (property)', () => {
		const personArb = fc.record({
			country: fc.constantFrom('BR', 'KE', 'ES', 'FR', 'MA', 'IN'),
			role: fc.constantFrom('mentee' as const, 'mentor' as const),
			gender: fc.constantFrom(null, 'woman', 'man', 'non-binary', 'poet'),
			birthDate: fc.constantFrom('2012-05-01', '2009-09-09', '1999-01-01', '1980-12-31', '1950-06-06'),
			consented: fc.boolean(),
			matched: fc.boolean()
		});
		fc.assert(
			fc.property(fc.array(personArb, { maxLength: 60 }), (list) => {
				const people: PersonFact[] = list.map((p, i) => ({ ...p, id: `p${i}`, readingLanguage: 'en' }));
				const facts: Facts = { from: '2026-01-05', to: '2026-03-29', people, spaces: [], messageDays: [], works: [], editDays: [] };
				const result = reach(facts);
				const shown = [...result.byCountry, ...result.byRole, ...result.byAgeBand, ...result.byGender].map((r) => r.count);
				shown.push(result.participants, result.matched.matched, result.matched.unmatched);
				for (const value of shown) if (value !== null) expect(value).toBeGreaterThanOrEqual(MIN_CELL_PEOPLE);
				// Nobody who withheld consent is in any count.
				expect(result.participants ?? 0).toBeLessThanOrEqual(people.filter((p) => p.consented).length);
			})
		);
	});
});
