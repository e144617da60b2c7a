import { describe, expect, it } from 'vitest';
import { valuesList } from './raw';

describe('valuesList', () => {
	it('numbers the parameters row after row', () => {
		expect(valuesList(1, 3)).toBe('($1, $2, $3)');
		expect(valuesList(2, 2)).toBe('($1, $2), ($3, $4)');
	});
});
