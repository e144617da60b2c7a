import { createAccountsService } from './accounts';
import { createChatService } from './chat';
import type { Config } from './config';
import { openDatabase } from './db';
import { createDocsService } from './docs';
import { createLogger } from './logger';
import { createMatchingService } from './matching/service';
import { createEvaluation } from './metrics';
import { createModerationService } from './moderation';
import { createModerationActions, isStaff } from './moderation/actions';
import { createAudit } from './moderation/audit';
import { createLiveView } from './moderation/live';
import { createNameRules } from './moderation/names';
import { createReports } from './moderation/reports';
import { createRestrictions } from './moderation/restrictions';
import { createPrivacyService } from './privacy';
import { createScale } from './scale';
import { shareInvalidations } from './scale/invalidation';
import { createSafeguarding } from './safeguarding';
import { createSpacesService } from './spaces';
import { createSurveys } from './surveys';
import { createExhibitions } from './exhibitions';
import { createRenderer } from './exhibitions/renderer';
import { createTranslator } from './translate';

/**
 * All of Tessera's services for one server, created from config. Nothing here is module-level, so tests
 * can run several servers in one process.
 */
export async function createTessera(config: Config) {
	const logger = createLogger({ level: config.logLevel, destination: config.logDestination });
	// First: with REDIS_URL it refuses to start on the embedded database, before that is opened.
	const scale = await createScale({ config, logger });
	const database = await openDatabase({
		...config,
		onFatal: (err) => logger.fatal({ err }, 'the embedded database stopped: nothing can be stored or read until Tessera restarts (/healthz now fails)')
	}).catch(async (e: unknown) => {
		await scale.close();
		throw e;
	});
	const accounts = createAccountsService({ db: database.db, logger, ...config, limiter: scale.limiter });
	const spaces = createSpacesService({ db: database.db, logger, inviteDefaultHours: config.inviteDefaultHours });
	const safeguarding = createSafeguarding({ db: database.db, logger, accounts, spaces, config });
	const moderation = createModerationService({ db: database.db, logger, config, safeguarding });
	const restrictions = createRestrictions({ db: database.db, unsupervised: (spaceId) => safeguarding.unsupervised(spaceId) });
	// Space titles and display names are read outside any message, so moderation vets them where they are written.
	const names = createNameRules({ pipeline: moderation.pipeline, wordList: moderation.hooks.wordList.matcher, policy: safeguarding.policy, logger });
	spaces.use(names.spaces);
	accounts.use(names.accounts);
	const docs = createDocsService({
		db: database.db,
		logger,
		accounts,
		spaces,
		config,
		restrictions,
		scale,
		moderation: { pipeline: moderation.pipeline, context: moderation.context, record: moderation.recordDocument, settleMs: config.moderationSettleMs }
	});
	// Withdrawing participation ends every open document connection of that person (sockets: server/realtime).
	safeguarding.events.on('participation:withdrawn', ({ userId }) => void docs.relay.closeUser(userId));
	const translator = createTranslator({ db: database.db, logger, config });
	const privacy = createPrivacyService({
		db: database.db,
		logger,
		accounts,
		translator,
		retentionDays: async () => (await safeguarding.policy()).retentionDays,
		minorAge: async () => (await safeguarding.policy()).minorAge,
		// Exhibitions are made further down; nobody can delete an account before the app is ready.
		onDeleted: async (userId) => exhibitions.accountDeleted(userId)
	});
	const chat = createChatService({
		db: database.db,
		logger,
		spaces,
		translator,
		config,
		restrictions,
		moderation: moderation.pipeline,
		hadMinor: (spaceId) => safeguarding.hadMinor(spaceId),
		// One process keeps its send limit in memory, off the database and out of any await.
		sharedLimiter: scale.mode === 'redis' ? scale.limiter : undefined
	});
	// Chat trusts a member's role for a few seconds; whatever takes someone out of spaces wipes that at once.
	safeguarding.events.on('participation:withdrawn', ({ userId }) => chat.forgetUser(userId));
	// A supervisor suspended or demoted may leave a minor's space unsupervised: restrictions are read afresh.
	accounts.events.on('user:status-changed', ({ userId }) => {
		chat.forgetUser(userId);
		restrictions.forget();
	});
	accounts.events.on('user:role-changed', ({ userId, from, to }) => {
		chat.forgetUser(userId);
		restrictions.forget();
		// No longer staff: no part left in the spaces they supervised, documents included (sockets: server/realtime).
		if (isStaff(from) && !isStaff(to)) docs.relay.closeUser(userId);
	});
	moderation.events.on('reviewed', (review) => void chat.reviewed(review).catch((err) => logger.error({ err, queueId: review.id }, 'delivering a reviewed message failed')));
	moderation.events.on('reviewed', (review) => {
		if (review.kind !== 'doc' || review.status !== 'approved') return;
		docs.approved({ queueId: review.id }).catch((err) => logger.error({ err, queueId: review.id }, 'putting approved text back into its document failed'));
	});
	const audit = createAudit({ db: database.db });
	const reports = createReports({ db: database.db, logger, spaces, restrictions, audit, isMinor: safeguarding.isMinor });
	const moderationActions = createModerationActions({ db: database.db, logger, accounts, spaces, chat, relay: docs.relay, restrictions, audit, reports });
	// Timed mutes given before a restart still end on time.
	await moderationActions.resumeMutes().catch((err) => logger.error({ err }, 'timed mutes could not be re-armed: documents of muted members stay read-only until they reconnect'));
	const matching = createMatchingService({ db: database.db, logger, spaces, safeguarding, audit, pipeline: moderation.pipeline, restrictions, translator, limiter: scale.limiter });
	// With several processes: what an action here makes stale in the others' caches is dropped there too.
	const invalidations = scale.mode === 'redis' ? shareInvalidations({ bus: scale.bus, logger, accounts, spaces, safeguarding, chat, restrictions }) : undefined;
	const evaluation = createEvaluation({ db: database.db, logger, translator });
	const surveys = createSurveys({ db: database.db, logger });
	const renderer = createRenderer({ logger });
	const exhibitions = createExhibitions({ db: database.db, logger, docs, spaces, safeguarding, translator, renderer });
	const live = createLiveView({ db: database.db, logger, spaces, audit, minorsIn: (spaceId) => safeguarding.minorsIn(spaceId) });
	logger.info({ database: database.kind, version: config.version }, 'services ready');

	// Supervision can end without an action here (a demotion, a suspension, a policy change): spaces with open
	// documents are read again every few seconds, and a change turns their connections read-only (or back).
	const supervision = setInterval(() => {
		for (const spaceId of docs.relay.openSpaces()) restrictions.of(spaceId).catch((err) => logger.error({ err, spaceId }, 'reading a space’s restrictions failed'));
	}, 5_000);
	supervision.unref();

	const purge = setInterval(() => {
		accounts.purgeExpiredSessions().catch((err) => logger.error({ err }, 'session purge failed'));
	}, 60_000);
	purge.unref();
	// Deleted accounts' safeguarding records go once the retention period is over.
	const retention = setInterval(() => {
		privacy.purgeExpired().catch((err) => logger.error({ err }, 'retention purge failed'));
	}, 3_600_000);
	retention.unref();

	return {
		config,
		logger,
		/** One process, or one of several sharing Redis and PostgreSQL (server/scale). */
		scale,
		database,
		accounts,
		spaces,
		docs,
		translator,
		chat,
		moderation,
		safeguarding,
		privacy,
		restrictions,
		audit,
		reports,
		moderationActions,
		/** Matching rounds, self-match and mentorships (server/matching/service.ts). */
		matching,
		/** Evaluation dashboards and safeguarding health (server/metrics). */
		evaluation,
		/** Program surveys: defined by leads, answered by consenting participants (server/surveys). */
		surveys,
		/** Works proposed for exhibitions, their consents and review, exhibitions and the archive (server/exhibitions). */
		exhibitions,
		/** The moderator console's live view of spaces; realtime attaches who is connected. */
		live,
		/** Changes heard from other processes (server/scale/invalidation.ts); undefined with one process. */
		invalidations,
		/** Call after the sockets have stopped: every received message and document update is stored before the database closes. */
		async close(): Promise<void> {
			clearInterval(purge);
			clearInterval(supervision);
			clearInterval(retention);
			invalidations?.close();
			moderationActions.close();
			matching.close();
			await renderer.close();
			await chat.close();
			moderation.close();
			await safeguarding.close();
			await translator.close();
			await docs.close();
			await database.close();
			await scale.close();
		}
	};
}

export type Tessera = Awaited<ReturnType<typeof createTessera>>;
