import { describe, expect, it } from 'vitest';
import { csvField, sectionsCsv } from './csv';
import { dashboardSections } from './tables';
import { evaluationDashboard } from '../../../tests/fixtures/evaluation';

describe('evaluation CSV', () => {
	it('quotes commas, quotes and line breaks as RFC 4180 asks', () => {
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField(12)).toBe('12');
	});

	it('defuses text that a spreadsheet would run as a formula, but not negative numbers', () => {
		expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
		expect(csvField('+1')).toBe("'+1");
		expect(csvField('-cmd')).toBe("'-cmd");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField(-0.5)).toBe('-0.5');
	});

	it('starts with a byte order mark, has one header and says "fewer than 5" for every withheld figure, never 0', () => {
		const csv = sectionsCsv(dashboardSections(evaluationDashboard, 'en'), 'en');
		expect(csv.startsWith('\uFEFFchart,table,row,column,value\r\n')).toBe(true);
		const withheld = csv.split('\r\n').filter((line) => line.endsWith(',fewer than 5'));
		expect(withheld.length).toBeGreaterThan(0);
		expect(csv).toContain('France');
	});

	it('is in the reader’s language', () => {
		const csv = sectionsCsv(dashboardSections(evaluationDashboard, 'fr'), 'fr');
		expect(csv).toContain('moins de 5');
	});
});
