import type { AccountRules } from '../accounts';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { SpaceRules } from '../spaces';
import type { ListMatcher } from './lists';
import type { ModerationPipeline, PolicyView } from './pipeline';

/**
 * Names people read outside any message: a space's title (in the space, and on its invite page to whoever has the
 * link) and display names (in every space the person is in). Either may reach a minor, so both are judged as if one
 * were present; and a name cannot wait for a moderator, so one that would be held is refused like one that would be
 * blocked. Space titles go through the whole pipeline, as document titles do; display names through the word
 * lists (contact details in them are refused by their validation already).
 */
export function createNameRules({
	pipeline,
	wordList,
	policy,
	logger
}: {
	pipeline: ModerationPipeline;
	wordList: ListMatcher;
	policy: () => Promise<PolicyView>;
	logger: Logger;
}): { spaces: SpaceRules; accounts: AccountRules } {
	const log = logger.child({ ns: 'moderation' });
	return {
		spaces: {
			async checkTitle({ spaceId, userId, title }) {
				const decision = await pipeline.run({
					spaceId,
					authorId: userId,
					authorName: '',
					authorRole: null,
					text: title,
					lang: 'und',
					kind: 'doc',
					clientId: null,
					editOf: null,
					minorsPresent: true,
					policy: await policy()
				});
				if (decision.action !== 'hold' && decision.action !== 'block') return;
				log.info({ spaceId, userId, action: decision.action, hook: decision.hook, reason: decision.reason }, 'space title refused by moderation');
				throw new AppError(422, 'name_not_allowed', { fields: { title: 'name_not_allowed' } });
			}
		},
		accounts: {
			checkDisplayName(name) {
				const [hit] = wordList.match({ text: name, minorsPresent: true });
				if (!hit) return;
				log.info({ action: hit.action, reason: hit.reason }, 'display name refused by the word lists');
				throw new AppError(400, 'invalid_input', { fields: { displayName: 'display_name_not_allowed' } });
			}
		}
	};
}
