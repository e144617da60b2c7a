import { COUNTRY_CODES } from '$server/accounts/countries';
import type { ErrorCode } from '$lib/protocol/codes';

/** One row of the per-country consent ages as the form sent it (`isNew`: the empty row for adding a country). */
export interface CountryRow {
	country: string;
	age: string;
	remove: boolean;
	isNew: boolean;
}

export type RowError = ErrorCode | 'duplicate';

/** What the policy form posts, read into the JSON API's patch shape (validated by the same schema afterwards). */
export interface PolicyForm {
	input: {
		minorAge: number;
		consentAge: number;
		consentAgeByCountry: Record<string, number>;
		supervisedSpacesForMinors: boolean;
		contactFilterForMinors: boolean;
		retentionDays: number;
	};
	/** Field values as typed, to show again after a refusal. */
	values: Record<string, string>;
	rows: CountryRow[];
	/** `country-<i>` / `countryAge-<i>` → what is wrong with that row. */
	rowErrors: Record<string, RowError>;
}

/** An empty or non-numeric entry becomes NaN, so the schema refuses it instead of leaving the setting as it was. */
function whole(value: FormDataEntryValue | null): number {
	const text = typeof value === 'string' ? value.trim() : '';
	return text === '' ? Number.NaN : Number(text);
}

const text = (value: FormDataEntryValue | null | undefined) => (typeof value === 'string' ? value : '');

/**
 * Reads the policy form. Rows pair the n-th `country` with the n-th `countryAge`; `remove` names countries to drop;
 * `newCountry` marks which row was the empty one. A row left empty is ignored; the list replaces the stored one.
 */
export function readPolicyForm(data: FormData): PolicyForm {
	const countries = data.getAll('country').map(text);
	const ages = data.getAll('countryAge').map(text);
	const removed = new Set(data.getAll('remove').map((c) => text(c).toUpperCase()));
	const newIndex = Number(text(data.get('newRow')) || -1);
	const rows: CountryRow[] = countries.map((country, i) => ({
		country: country.trim().toUpperCase(),
		age: (ages[i] ?? '').trim(),
		remove: removed.has(country.trim().toUpperCase()),
		isNew: i === newIndex
	}));

	const rowErrors: Record<string, RowError> = {};
	const byCountry: Record<string, number> = {};
	const minorAge = whole(data.get('minorAge'));
	rows.forEach((row, i) => {
		if (row.remove || (row.country === '' && row.age === '')) return;
		if (!COUNTRY_CODES.has(row.country)) rowErrors[`country-${i}`] = 'country_invalid';
		else if (row.country in byCountry) rowErrors[`country-${i}`] = 'duplicate';
		const age = whole(row.age);
		if (!Number.isInteger(age) || age < 1 || age > 25) rowErrors[`countryAge-${i}`] = 'age_out_of_range';
		else if (Number.isInteger(minorAge) && age > minorAge) rowErrors[`countryAge-${i}`] = 'consent_age_above_minor_age';
		if (!rowErrors[`country-${i}`] && !rowErrors[`countryAge-${i}`]) byCountry[row.country] = age;
	});

	const values = {
		minorAge: text(data.get('minorAge')),
		consentAge: text(data.get('consentAge')),
		retentionDays: text(data.get('retentionDays')),
		supervisedSpacesForMinors: text(data.get('supervisedSpacesForMinors')),
		contactFilterForMinors: text(data.get('contactFilterForMinors'))
	};
	return {
		input: {
			minorAge,
			consentAge: whole(data.get('consentAge')),
			consentAgeByCountry: byCountry,
			supervisedSpacesForMinors: values.supervisedSpacesForMinors === 'on',
			contactFilterForMinors: values.contactFilterForMinors === 'on',
			retentionDays: whole(data.get('retentionDays'))
		},
		values,
		rows,
		rowErrors
	};
}
