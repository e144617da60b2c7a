import { eq } from 'drizzle-orm';
import { matchingSettings, type ProgramSettingsPatch } from '../db/schema';
import type { MatchingContext } from './context';
import type { MatchingSettings } from './types';

/** The program's matching settings as rounds and self-match use them: the engine's defaults with the program's changes. */
export type ProgramSettings = Omit<MatchingSettings, 'excludedPairs' | 'skipPairs' | 'horizonStart' | 'translatablePairs'>;

/** `patch` over `base`, weights merged one by one (a patch that names one weight keeps the others). */
export function mergePatch<T extends ProgramSettingsPatch>(base: ProgramSettingsPatch, patch: T): T {
	const weights = base.weights || patch.weights ? { ...base.weights, ...patch.weights } : undefined;
	return { ...base, ...patch, ...(weights ? { weights } : {}) };
}

/**
 * The program's matching settings (weights, minimum weekly overlap, lowest usable shared level, weeks looked at,
 * gender wish hard or soft, balance rule): one row, edited by admins, every change audited. Rounds start from them
 * (an admin may still override any of them for one run) and self-match ranks with them.
 */
export function createProgramSettings({ db, engine, audit }: Pick<MatchingContext, 'db' | 'engine' | 'audit'>) {
	function effective(patch: ProgramSettingsPatch): ProgramSettings {
		const { excludedPairs: _e, skipPairs: _s, horizonStart: _h, translatablePairs: _t, ...defaults } = engine.DEFAULT_SETTINGS;
		return { ...defaults, ...patch, weights: { ...engine.DEFAULT_WEIGHTS, ...defaults.weights, ...patch.weights } };
	}

	async function stored(tx: Pick<typeof db, 'select'> = db): Promise<ProgramSettingsPatch> {
		const [row] = await tx.select({ settings: matchingSettings.settings }).from(matchingSettings).where(eq(matchingSettings.id, 1)).limit(1);
		return row?.settings ?? {};
	}

	return {
		/** What the program changed of the engine's defaults (rounds merge their own changes over it). */
		stored: () => stored(),

		/** The settings in force: the engine's defaults with the program's changes. */
		async get(): Promise<ProgramSettings> {
			return effective(await stored());
		},

		/** Applies `patch` over the stored changes and writes one `matching.settings` audit entry, in one transaction. */
		async update({ actorId, patch }: { actorId: string; patch: ProgramSettingsPatch }): Promise<ProgramSettings> {
			const next = await db.transaction(async (tx) => {
				const [row] = await tx.select({ settings: matchingSettings.settings }).from(matchingSettings).where(eq(matchingSettings.id, 1)).for('update');
				const before = row?.settings ?? {};
				const after = mergePatch(before, patch);
				const values = { settings: after, updatedAt: new Date(), updatedBy: actorId };
				await tx
					.insert(matchingSettings)
					.values({ id: 1, ...values })
					.onConflictDoUpdate({ target: matchingSettings.id, set: values });
				await audit.record({ actorId, action: 'matching.settings', targetType: 'policy', targetId: '1', detail: { before: effective(before), after: effective(after) } }, tx);
				return after;
			});
			return effective(next);
		}
	};
}

export type ProgramSettingsStore = ReturnType<typeof createProgramSettings>;
