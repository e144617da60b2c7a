import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '$lib/protocol/chat';
import { catchUpCursor, CATCH_UP_OVERLAP_MS, charCount, continuesGroup, formatMessageTime, mergeMessages, needsTranslation, sameLanguage, unreadDividerId, unsettled, type PendingSend } from './timeline';

const ME = 'me';
const ANA = 'ana';

function msg(seq: number, over: Partial<ChatMessage> = {}): ChatMessage {
	return {
		id: `m${seq}`,
		seq,
		spaceId: 's',
		authorId: ANA,
		authorName: 'Ana',
		text: `hello ${seq}`,
		lang: 'es',
		clientId: `c${seq}`,
		createdAt: new Date(Date.UTC(2026, 4, 3, 12, seq)).toISOString(),
		editedAt: null,
		deletedAt: null,
		...over
	};
}

const ids = (messages: ChatMessage[]) => messages.map((m) => m.id);

describe('mergeMessages', () => {
	it('orders by seq whatever order pages and live messages arrive in', () => {
		const live = [msg(5), msg(6)];
		const olderPage = [msg(1), msg(2), msg(3)];
		expect(ids(mergeMessages(live, olderPage))).toEqual(['m1', 'm2', 'm3', 'm5', 'm6']);
		expect(ids(mergeMessages(mergeMessages(live, olderPage), [msg(4)]))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
	});

	it('keeps each message once when a catch-up page overlaps what is shown', () => {
		const shown = [msg(1), msg(2), msg(3)];
		const merged = mergeMessages(shown, [msg(2), msg(3), msg(4), msg(3)]);
		expect(ids(merged)).toEqual(['m1', 'm2', 'm3', 'm4']);
	});

	it('lets the later version of a message win, so an older page cannot undo an edit or a deletion', () => {
		const edited = msg(2, { text: 'fixed', editedAt: new Date(Date.UTC(2026, 4, 3, 13)).toISOString() });
		expect(mergeMessages([edited], [msg(2)])[0]!.text).toBe('fixed');
		const deleted = msg(2, { text: '', deletedAt: new Date(Date.UTC(2026, 4, 3, 14)).toISOString() });
		expect(mergeMessages([edited], [deleted])[0]!.deletedAt).not.toBeNull();
		expect(mergeMessages([deleted], [edited])[0]!.deletedAt).not.toBeNull();
	});

	it('returns the same array when nothing comes in (no needless re-render)', () => {
		const shown = [msg(1)];
		expect(mergeMessages(shown, [])).toBe(shown);
	});
});

describe('unsettled', () => {
	const pending = (clientId: string): PendingSend => ({ clientId, text: 'hi', state: 'sending', createdAt: '2026-05-03T12:00:00Z' });

	it('drops a pending send once its stored message is listed, matched by client id and author', () => {
		const mine = msg(7, { authorId: ME, clientId: 'a' });
		expect(unsettled([pending('a'), pending('b')], [mine], ME).map((p) => p.clientId)).toEqual(['b']);
	});

	it('is not fooled by someone else using the same client id', () => {
		const theirs = msg(7, { authorId: ANA, clientId: 'a' });
		expect(unsettled([pending('a')], [theirs], ME)).toHaveLength(1);
	});
});

describe('unreadDividerId', () => {
	const messages = [msg(1), msg(2, { authorId: ME }), msg(3), msg(4)];

	it('goes before the first message from someone else after the last one read', () => {
		expect(unreadDividerId(messages, { lastReadId: 'm1', myId: ME })).toBe('m3');
	});

	it('skips this person\'s own messages and deleted ones', () => {
		const withDeleted = [msg(1), msg(2, { authorId: ME }), msg(3, { deletedAt: '2026-05-03T13:00:00Z', text: '' }), msg(4)];
		expect(unreadDividerId(withDeleted, { lastReadId: 'm1', myId: ME })).toBe('m4');
	});

	it('is absent when everything has been read', () => {
		expect(unreadDividerId(messages, { lastReadId: 'm4', myId: ME })).toBeNull();
	});

	it('marks everything as new when nothing was ever read, or the read position is older than the loaded page', () => {
		expect(unreadDividerId(messages, { lastReadId: null, myId: ME })).toBe('m1');
		expect(unreadDividerId(messages, { lastReadId: 'm0-long-ago', myId: ME })).toBe('m1');
	});

	it('is absent in an empty chat', () => {
		expect(unreadDividerId([], { lastReadId: null, myId: ME })).toBeNull();
	});
});

describe('small rules', () => {
	it('needs a translation only between different languages, not regional variants', () => {
		expect(needsTranslation('en', 'es')).toBe(true);
		expect(needsTranslation('pt-BR', 'pt')).toBe(false);
		expect(needsTranslation('EN', 'en-GB')).toBe(false);
		// A Spanish translation serves a reader of es-MX; an English one does not serve a reader of Spanish.
		expect(sameLanguage('es', 'es-MX')).toBe(true);
		expect(sameLanguage('en', 'es')).toBe(false);
	});

	it('counts characters as the server does (code points: an emoji is one)', () => {
		expect(charCount('hola 👋')).toBe(6);
		expect('hola 👋'.length).toBe(7);
	});

	it('groups messages by the same author a few minutes apart', () => {
		expect(continuesGroup(msg(1), msg(2))).toBe(true);
		expect(continuesGroup(msg(1), msg(2, { authorId: ME }))).toBe(false);
		expect(continuesGroup(msg(1), msg(30))).toBe(false);
		expect(continuesGroup(undefined, msg(1))).toBe(false);
		expect(continuesGroup(msg(1, { authorId: null }), msg(2, { authorId: null }))).toBe(false);
	});

	it('shows times in the reader\'s time zone: the time alone today, with the date on other days', () => {
		const now = new Date('2026-05-03T20:00:00Z');
		// 23:30 in Tokyo on 3 May is 14:30 UTC.
		expect(formatMessageTime('2026-05-03T14:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo', now: new Date('2026-05-03T14:40:00Z') })).toBe('23:30');
		// In Tokyo it is already 4 May at 20:00 UTC, so a message from 14:30 UTC is "yesterday" there.
		expect(formatMessageTime('2026-05-03T14:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo', now })).toContain('3 May 2026');
		expect(formatMessageTime('2026-05-03T14:30:00Z', { locale: 'en-US', timeZone: 'America/New_York', now })).toBe('10:30 AM');
	});
});

describe('catchUpCursor', () => {
	const at = (seq: number, ms: number) => msg(seq, { createdAt: new Date(Date.UTC(2026, 4, 3, 12) + ms).toISOString() });

	it('starts before the last stretch of messages, so one that became visible late is read too', () => {
		const shown = [at(1, 0), at(2, 10_000), at(3, 20_000), at(4, 21_000), at(5, 21_500)];
		// m3..m5 lie within the overlap of the newest: catching up starts after m2.
		expect(catchUpCursor(shown)).toBe('m2');
		expect(Date.parse(shown[4]!.createdAt) - Date.parse(shown[1]!.createdAt)).toBeGreaterThan(CATCH_UP_OVERLAP_MS);
	});

	it('starts after the oldest shown when everything shown is that recent, and has nothing to start from with nothing shown', () => {
		expect(catchUpCursor([at(1, 0), at(2, 500), at(3, 900)])).toBe('m1');
		expect(catchUpCursor([at(7, 0)])).toBe('m7');
		expect(catchUpCursor([])).toBeNull();
	});
});
