import type { ErrorCode } from '../../src/lib/protocol/codes';
import { CHAT_MAX_CHARS } from '../../src/lib/protocol/chat';
import type { SpaceRole } from '../spaces/permissions';

/** Owners, members and supervising moderators talk; observers only read; non-members see nothing. */
export function canSendChat(role: SpaceRole | null): boolean {
	return role === 'owner' || role === 'member' || role === 'supervisor';
}

// Control characters other than tab and line breaks. NUL cannot even be stored in a PostgreSQL text column.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Nothing a reader could see: white space and invisible format characters only.
const BLANK = /^[\s\p{Cf}]*$/u;

/**
 * Why a message text cannot be sent, or null when it can. The text is kept exactly as written: nothing is
 * trimmed or stripped, so what the author sees acknowledged is what every reader and moderator sees.
 */
export function messageTextProblem(text: string): ErrorCode | null {
	// Cheap bound first: more UTF-16 units than twice the limit is always too many code points.
	if (text.length > CHAT_MAX_CHARS * 2) return 'message_too_long';
	if (BLANK.test(text)) return 'message_empty';
	if (countCodePoints(text) > CHAT_MAX_CHARS) return 'message_too_long';
	if (!text.isWellFormed() || CONTROL.test(text)) return 'invalid_characters';
	return null;
}

export function countCodePoints(text: string): number {
	let n = 0;
	for (const _ of text) n += 1;
	return n;
}
