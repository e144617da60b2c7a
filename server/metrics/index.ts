import type { CohortOption, Dashboard, EvaluationFilter, QuietPair, SafeguardingHealth } from '../../src/lib/protocol/evaluation';
import type { Db } from '../db';
import { rawQuery } from '../db/raw';
import type { Logger } from '../logger';
import { AppError } from '../errors';
import type { Translator } from '../translate';
import { coCreation } from './co-creation';
import { communication } from './communication';
import { consenting } from './facts';
import { parseFilter } from './filter';
import { loadFacts, loadSafeguardingFacts } from './load';
import { quietPairs } from './quiet';
import { reach } from './reach';
import { safeguardingHealth } from './safeguarding';
import { cell, peopleCell } from './suppress';
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

	/** Published rounds and self-matched pairs, with how many pairs began in each (both people consenting; withheld below five people). */
	async function cohorts(): Promise<CohortOption[]> {
		const consented = (column: string) => `exists (select 1 from consents c where c.user_id = m.${column} and c.purpose = 'evaluation' and c.revoked_at is null)`;
		const rounds = await query<{ id: string; published_on: string }>(`select id, to_char(published_at, 'YYYY-MM-DD') as published_on from matching_rounds where status = 'published' order by published_at desc`, []);
		const pairs = await query<{ round_id: string | null; mentee_id: string; mentor_id: string }>(
			`select m.round_id, m.mentee_id, m.mentor_id from mentorships m where m.activated_at is not null and ${consented('mentee_id')} and ${consented('mentor_id')}`,
			[]
		);
		const option = (id: string, publishedOn: string, roundId: string | null): CohortOption => {
			const mine = pairs.filter((p) => p.round_id === roundId);
			return { id, publishedOn, pairs: cell(mine.length, new Set(mine.flatMap((p) => [p.mentee_id, p.mentor_id])).size) };
		};
		return [...rounds.map((r) => option(r.id, r.published_on, r.id)), option('self', '', null)];
	}

	// Time zones the database knows (Intl and PostgreSQL's tz data can differ on old aliases); asked once each.
	const zones = new Map<string, Promise<boolean>>();
	async function known(filter: EvaluationFilter): Promise<EvaluationFilter> {
		if (!zones.has(filter.timeZone)) zones.set(filter.timeZone, query<{ ok: boolean }>(`select exists (select 1 from pg_timezone_names where name = $1) as ok`, [filter.timeZone]).then((r) => r[0]!.ok));
		if (!(await zones.get(filter.timeZone))) throw new AppError(400, 'invalid_input', { fields: { timeZone: 'invalid_input' }, detail: 'time zone unknown to the database' });
		return filter;
	}

	return {
		parseFilter,
		cohorts,

		async dashboard({ filter, locale }: { filter: EvaluationFilter; locale: string }): Promise<Dashboard> {
			const started = performance.now();
			const facts = await loadFacts(db, await known(filter));
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
			return known(filter).then(() => quietPairs({ db, filter, now }));
		},

		async safeguardingHealth({ filter }: { filter: EvaluationFilter }): Promise<SafeguardingHealth> {
			return safeguardingHealth(await loadSafeguardingFacts(db, await known(filter)), filter);
		}
	};
}

export type Evaluation = ReturnType<typeof createEvaluation>;
