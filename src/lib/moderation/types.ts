import type { ConsoleItem, ContextMessage } from '$server/moderation/console';

/** A console entry as the page receives it: times already written in the moderator's language and time zone. */
export type ShownItem = ConsoleItem & { when: string; context: (ContextMessage & { when: string })[] };
