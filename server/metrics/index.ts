import type { CohortOption, Dashboard, EvaluationFilter, QuietPair, SafeguardingHealth } from '../../src/lib/protocol/evaluation';
import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import type { Logger } from '../logger';
import type { Translator } from '../translate';
import { coCreation } from './co-creation';
import { communication } from './communication';
import { consenting } from './facts';
import { parseFilter } from './filter';
import { loadFacts, loadSafeguardingFacts } from './load';
import { quietPairs } from './quiet';
import { reach } from './reach';
import { safeguardingHealth } from './safeguarding';
import { peopleCell } from './suppress';
import { surveyResults } from './survey-results';

export interface EvaluationOptions {
	db: Db;
	logger: Logger;
	translator: Translator;
}

/**
 * The program's evaluation: measures computed from what Tessera already holds, for admins (program leads) and,
 * for safeguarding health, moderators. Callers check the role; every figure here is already suppressed.
 */
export function createEvaluation({ db, logger, translator }: EvaluationOptions) {
	const log = logger.child({ ns: 'metrics' });
	const query = rawQuery(db);

	async function cohorts(): Promise<CohortOption[]> {
		const rows = await query<{ id: string | null; published_on: string | null; pairs: number }>(
			`select r.id, to_char(r.published_at, 'YYYY-MM-DD') as published_on, count(m.id)::int as pairs
			 from matching_rounds r left join mentorships m on m.round_id = r.id and m.activated_at is not null
			 where r.status = 'published' group by r.id, r.published_at
			 union all
			 select null, null, count(*)::int from mentorships m where m.round_id is null and m.activated_at is not null
			 order by 2 desc nulls last`,
			[]
		);
		return rows.map((r) => ({ id: r.id ?? 'self', publishedOn: r.published_on ?? '', pairs: r.pairs }));
	}

	return {
		parseFilter,
		cohorts,

		async dashboard({ filter, locale }: { filter: EvaluationFilter; locale: string }): Promise<Dashboard> {
			const started = performance.now();
			const facts = await loadFacts(db, filter);
			const counted = consenting(facts);
			const dashboard: Dashboard = {
				filter,
				cohorts: await cohorts(),
				generatedAt: new Date().toISOString(),
				withoutConsent: peopleCell(facts.people.length - counted.size),
				communication: communication(facts),
				coCreation: coCreation(facts),
				reach: reach(facts),
				surveys: await surveyResults({ db, translator, filter, people: facts.people, locale })
			};
			log.debug({ ms: Math.round(performance.now() - started), people: facts.people.length }, 'dashboard computed');
			return dashboard;
		},

		/** Live mentorships with no message or edit for `filter.quietDays` days: for the program's follow-up, with names. */
		quietPairs({ filter, now = new Date() }: { filter: EvaluationFilter; now?: Date }): Promise<QuietPair[]> {
			return quietPairs({ db, filter, now });
		},

		async safeguardingHealth({ filter }: { filter: EvaluationFilter }): Promise<SafeguardingHealth> {
			return safeguardingHealth(await loadSafeguardingFacts(db, filter), filter);
		}
	};
}

export type Evaluation = ReturnType<typeof createEvaluation>;
