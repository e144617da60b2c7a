import { describe, expect, it } from 'vitest';
import { readMatchingForm } from './matching-form';

const form = (entries: [string, string][]) => {
	const data = new FormData();
	for (const [k, v] of entries) data.append(k, v);
	return data;
};

describe('readMatchingForm', () => {
	it('reads complete rows as minutes, skips empty ones, and takes an end of 00:00 as midnight', () => {
		const result = readMatchingForm(
			form([
				['availability.0.day', '1'],
				['availability.0.start', '18:00'],
				['availability.0.end', '20:30'],
				['availability.1.day', ''],
				['availability.1.start', ''],
				['availability.1.end', ''],
				['availability.2.day', '6'],
				['availability.2.start', '22:00'],
				['availability.2.end', '00:00'],
				['goals', 'portfolio'],
				['goals', 'career'],
				['goals', 'portfolio']
			])
		);
		expect(result.rowErrors).toEqual({});
		expect(result.slots).toEqual([
			{ day: 1, start: 1080, end: 1230 },
			{ day: 6, start: 1320, end: 1440 }
		]);
		expect(result.goals).toEqual(['portfolio', 'career']);
	});

	it('names what is wrong with each field of a row, counting rows as they are shown again', () => {
		const result = readMatchingForm(
			form([
				['availability.0.day', ''],
				['availability.0.start', ''],
				['availability.0.end', ''],
				['availability.3.day', ''],
				['availability.3.start', '10:00'],
				['availability.3.end', '09:00'],
				['availability.4.day', '2'],
				['availability.4.start', ''],
				['availability.4.end', 'soon']
			])
		);
		expect(result.rows).toHaveLength(2);
		expect(result.rowErrors).toEqual({
			'availability.0.day': 'day_missing',
			'availability.0.end': 'end_before_start',
			'availability.1.start': 'start_missing',
			'availability.1.end': 'end_missing'
		});
		expect(result.slots).toEqual([]);
	});
});
