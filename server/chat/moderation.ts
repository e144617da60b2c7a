/**
 * Chat's moderation pipeline is the one in `server/moderation/pipeline.ts`: verdict hooks (`check`: allow, hold,
 * block, redact) and the older veto hooks (`beforeSend` throwing a `ModerationVeto`, which counts as a block).
 * Re-exported here for the code and tests that import it from chat.
 */
export {
	createModerationPipeline,
	isModerationVeto,
	ModerationHookError,
	ModerationVeto,
	type Decision,
	type ModerationContext,
	type ModerationHook,
	type ModerationPipeline
} from '../moderation/pipeline';
