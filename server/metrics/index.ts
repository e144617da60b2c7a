// TEMP stub (drop on merge): the real evaluation service is being written in server/metrics/. This one answers
// the fixture so the dashboard pages can be built and tested against the API they will use.
import { evaluationDashboard, evaluationHealth, evaluationQuietPairs } from '../../tests/fixtures/evaluation';
import type { Dashboard, EvaluationFilter, QuietPair, SafeguardingHealth } from '../../src/lib/protocol/evaluation';
import { AppError } from '../errors';
import type { ErrorCode } from '../../src/lib/protocol/codes';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function createEvaluation() {
	return {
		parseFilter({ query, timeZone }: { query: URLSearchParams; timeZone: string }): EvaluationFilter {
			const fields: Record<string, ErrorCode> = {};
			const cohort = query.get('cohort') || null;
			const from = query.get('from') || evaluationDashboard.filter.from;
			const to = query.get('to') || evaluationDashboard.filter.to;
			const quietRaw = query.get('quietDays') || '14';
			const quietDays = Number(quietRaw);
			if (cohort && cohort !== 'self' && !evaluationDashboard.cohorts.some((c) => c.id === cohort)) fields.cohort = 'invalid_value';
			if (!DATE.test(from) || Number.isNaN(Date.parse(from))) fields.from = 'invalid_value';
			if (!DATE.test(to) || Number.isNaN(Date.parse(to))) fields.to = 'invalid_value';
			else if (!fields.from && from > to) fields.to = 'invalid_value';
			if (!Number.isInteger(quietDays) || quietDays < 1 || quietDays > 365) fields.quietDays = 'invalid_value';
			if (Object.keys(fields).length > 0) throw new AppError(400, 'invalid_input', { fields });
			return { cohort, from, to, timeZone, quietDays };
		},
		async dashboard({ filter }: { filter: EvaluationFilter }): Promise<Dashboard> {
			return { ...evaluationDashboard, filter, generatedAt: new Date().toISOString() };
		},
		async quietPairs({ filter }: { filter: EvaluationFilter }): Promise<QuietPair[]> {
			return evaluationQuietPairs.filter((p) => p.quietDays >= filter.quietDays);
		},
		async safeguardingHealth({ filter }: { filter: EvaluationFilter }): Promise<SafeguardingHealth> {
			return { ...evaluationHealth, filter };
		}
	};
}
