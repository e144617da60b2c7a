import { describe, expect, it } from 'vitest';
import { dashboardSections, formatter, healthSections } from './tables';
import { evaluationDashboard, evaluationHealth } from '../../../tests/fixtures/evaluation';

describe('evaluation tables', () => {
	it('shows a withheld figure as "fewer than 5" in the reader’s language, never as 0', () => {
		expect(formatter('en').value({ n: null })).toBe('fewer than 5');
		expect(formatter('es').value({ n: null })).toBe('menos de 5');
		expect(formatter('ar').value({ n: null })).toBe('أقل من 5');
		expect(formatter('en').value({ n: 0 })).toBe('0');
	});

	it('says a withheld median or test result is withheld, not that it is below 5', () => {
		expect(formatter('en').value({ n: null, style: 'decimal' })).toBe('withheld (about fewer than 5 people)');
		expect(formatter('en').value({ n: null, style: 'p' })).toBe('withheld (about fewer than 5 people)');
	});

	it('gives a scale question its five points, from strongly disagree to strongly agree', () => {
		const sections = dashboardSections(evaluationDashboard, 'en');
		const answers = sections.find((s) => s.id.endsWith('-answers') && s.tables.length > 0)!;
		const scale = answers.tables[0]!;
		expect(scale.columns).toEqual(['Respondents', '1 – Strongly disagree', '2', '3', '4', '5 – Strongly agree']);
		expect(scale.rows[0]!.values).toHaveLength(6);
	});

	it('keeps every withheld cell of the data as a withheld value in the tables', () => {
		const activity = dashboardSections(evaluationDashboard, 'en').find((s) => s.id === 'activity')!;
		const row = activity.tables[0]!.rows.find((r) => r.label === 'Mar 30, 2026')!;
		expect(row.values[1]).toEqual({ n: null, style: undefined });
	});

	it('summarises each chart from its data, and says how many figures are not drawn', () => {
		const sections = dashboardSections(evaluationDashboard, 'en');
		const activity = sections.find((s) => s.id === 'activity')!;
		expect(activity.summary).toContain('Messages rose from 120 in the week of Mar 2, 2026 to 310 in the week of May 18, 2026.');
		expect(activity.summary).toContain('not drawn: 6');
		expect(sections.find((s) => s.id === 'country')!.summary).toContain('France (14)');
		expect(sections.map((s) => s.id)).toContain(`survey-${evaluationDashboard.surveys[0]!.surveyId}-change`);
	});

	it('says so when every figure of a chart is withheld', () => {
		const weeks = evaluationHealth.weeks.map((w) => ({ ...w, reportsOpened: null }));
		const weekly = healthSections({ ...evaluationHealth, weeks }, 'fr').find((s) => s.id === 'health-weeks')!;
		expect(weekly.summary).toContain('moins de 5 personnes');
	});
});
