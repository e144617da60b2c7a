import { describe, expect, it } from 'vitest';
import { readPolicyForm } from './policy-form';

function form(fields: [string, string][]): FormData {
	const data = new FormData();
	for (const [k, v] of fields) data.append(k, v);
	return data;
}

const base: [string, string][] = [
	['minorAge', '18'],
	['consentAge', '16'],
	['retentionDays', '2190'],
	['supervisedSpacesForMinors', 'on']
];

describe('readPolicyForm', () => {
	it('reads numbers and checkboxes; an unticked checkbox is off', () => {
		const { input, rowErrors } = readPolicyForm(form(base));
		expect(input).toEqual({ minorAge: 18, consentAge: 16, consentAgeByCountry: {}, supervisedSpacesForMinors: true, contactFilterForMinors: false, retentionDays: 2190 });
		expect(rowErrors).toEqual({});
	});

	it('an emptied number is refused (NaN), not silently left as it was', () => {
		const { input } = readPolicyForm(form([['minorAge', ' '], ['consentAge', '16'], ['retentionDays', 'six years']]));
		expect(input.minorAge).toBeNaN();
		expect(input.retentionDays).toBeNaN();
	});

	it('pairs countries with ages, upper-cases codes, drops removed and empty rows', () => {
		const { input, rowErrors } = readPolicyForm(
			form([...base, ['country', 'es'], ['countryAge', '14'], ['country', 'FR'], ['countryAge', '15'], ['remove', 'FR'], ['country', ''], ['countryAge', ''], ['newRow', '2']])
		);
		expect(input.consentAgeByCountry).toEqual({ ES: 14 });
		expect(rowErrors).toEqual({});
	});

	it('says which row is wrong: unknown country, twice the same country, age out of range or above the minor age', () => {
		const { input, rowErrors, rows } = readPolicyForm(
			form([...base, ['country', 'XX'], ['countryAge', '14'], ['country', 'ES'], ['countryAge', '30'], ['country', 'PT'], ['countryAge', '19'], ['country', 'IT'], ['countryAge', '14'], ['country', 'IT'], ['countryAge', '13'], ['newRow', '4']])
		);
		expect(rowErrors).toEqual({ 'country-0': 'country_invalid', 'countryAge-1': 'age_out_of_range', 'countryAge-2': 'consent_age_above_minor_age', 'country-4': 'duplicate' });
		expect(input.consentAgeByCountry).toEqual({ IT: 14 });
		expect(rows[4]).toMatchObject({ country: 'IT', age: '13', isNew: true });
	});

	it('a new row with an age but no country is refused', () => {
		const { rowErrors } = readPolicyForm(form([...base, ['country', ''], ['countryAge', '15'], ['newRow', '0']]));
		expect(rowErrors).toEqual({ 'country-0': 'country_invalid' });
	});
});
