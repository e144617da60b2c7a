import { describe, expect, it } from 'vitest';
import { CHAT_MAX_CHARS } from '../../src/lib/protocol/chat';
import { canSendChat, countCodePoints, messageTextProblem } from './policy';

describe('who may send', () => {
	it('owners, members and supervisors talk; observers and non-members do not', () => {
		expect(canSendChat('owner')).toBe(true);
		expect(canSendChat('member')).toBe(true);
		expect(canSendChat('supervisor')).toBe(true);
		expect(canSendChat('observer')).toBe(false);
		expect(canSendChat(null)).toBe(false);
	});
});

describe('message text', () => {
	it('accepts text as written, with surrounding spaces, line breaks, emoji and bidi marks', () => {
		for (const t of ['hi', '  hola  ', 'line one\nline two\r\n', '👩🏽‍🎨 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'مرحبا \u200f(1)', '\tindented']) {
			expect(messageTextProblem(t), JSON.stringify(t)).toBeNull();
		}
	});
	it('refuses text with nothing visible in it', () => {
		for (const t of ['', ' ', '\n\t ', '\u00a0\u3000', '\u200b\u200d']) expect(messageTextProblem(t), JSON.stringify(t)).toBe('message_empty');
	});
	it('counts the limit in code points, not UTF-16 units', () => {
		expect(messageTextProblem('a'.repeat(CHAT_MAX_CHARS))).toBeNull();
		expect(messageTextProblem('😀'.repeat(CHAT_MAX_CHARS))).toBeNull();
		expect(messageTextProblem('a'.repeat(CHAT_MAX_CHARS + 1))).toBe('message_too_long');
		expect(messageTextProblem('😀'.repeat(CHAT_MAX_CHARS + 1))).toBe('message_too_long');
		expect(countCodePoints('a😀')).toBe(2);
	});
	it('refuses control characters and broken surrogates instead of stripping them', () => {
		for (const t of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'c1\u0085', 'lone \ud800 surrogate']) {
			expect(messageTextProblem(t), JSON.stringify(t)).toBe('invalid_characters');
		}
	});
});
