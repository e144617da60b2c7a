import type { Socket as ClientSocket } from 'socket.io-client';
import type { Server } from 'socket.io';
import { expectTypeOf, test } from 'vitest';
import type { ChatMessage, ChatTranslation, TranslationUnavailableReason } from './chat';
import { CLIENT_EVENTS, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './events';

type Client = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// Never called: these lines only have to type-check (or fail to, where marked).
function client(socket: Client) {
	socket.emit('space:join', { spaceId: 'id' }, (res) => {
		if (res.ok) expectTypeOf(res.members).toBeArray();
		else expectTypeOf(res.error.message).toBeString();
	});
	// @ts-expect-error an event the server does not know
	socket.emit('space:joinn', { spaceId: 'id' }, () => {});
	// @ts-expect-error a payload with the wrong field
	socket.emit('space:join', { space: 'id' }, () => {});
	// @ts-expect-error the ack is required
	socket.emit('space:join', { spaceId: 'id' });
	socket.on('session:ended', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<'suspended' | 'signed_out' | 'password_changed' | 'expired' | 'consent_withdrawn'>());
}

function chatClient(socket: Client) {
	socket.emit('space:join', { spaceId: 'id' }, (res) => {
		if (!res.ok) return;
		expectTypeOf(res.readingLanguage).toBeString();
		expectTypeOf(res.lastReadId).toEqualTypeOf<string | null>();
		expectTypeOf(res.translation.provider).toEqualTypeOf<'libretranslate' | 'apertium' | 'none'>();
	});
	socket.emit('chat:send', { spaceId: 's', clientId: 'c', text: 'hi' }, (res) => {
		if (res.ok) expectTypeOf(res.message).toEqualTypeOf<ChatMessage>();
		else expectTypeOf(res.error.code).toBeString();
	});
	socket.emit('chat:send', { spaceId: 's', clientId: 'c', text: 'hola', lang: 'es' }, () => {});
	// @ts-expect-error a send needs its client id, so a retry can be recognised
	socket.emit('chat:send', { spaceId: 's', text: 'hi' }, () => {});
	// @ts-expect-error the text is a string
	socket.emit('chat:send', { spaceId: 's', clientId: 'c', text: 42 }, () => {});
	// @ts-expect-error a send is acknowledged
	socket.emit('chat:send', { spaceId: 's', clientId: 'c', text: 'hi' });
	socket.emit('chat:edit', { spaceId: 's', messageId: 'm', text: 'fixed' }, () => {});
	// @ts-expect-error an edit names the message
	socket.emit('chat:edit', { spaceId: 's', text: 'fixed' }, () => {});
	socket.emit('chat:delete', { spaceId: 's', messageId: 'm' }, () => {});
	socket.emit('chat:history', { spaceId: 's', before: 'm', limit: 50 }, (res) => {
		if (!res.ok) return;
		expectTypeOf(res.hasMore).toBeBoolean();
		expectTypeOf(res.messages[0]!.translation).toEqualTypeOf<ChatTranslation | undefined>();
	});
	// @ts-expect-error the limit is a number
	socket.emit('chat:history', { spaceId: 's', limit: '50' }, () => {});
	socket.emit('chat:typing', { spaceId: 's', typing: true });
	// @ts-expect-error typing is true or false
	socket.emit('chat:typing', { spaceId: 's', typing: 'yes' });
	socket.emit('chat:read', { spaceId: 's', messageId: 'm' }, () => {});
	socket.emit('chat:language', { lang: 'es-MX' }, (res) => {
		if (res.ok) expectTypeOf(res.lang).toBeString();
	});
	// @ts-expect-error the language is named `lang`
	socket.emit('chat:language', { language: 'es' }, () => {});
	socket.emit('chat:translate', { spaceId: 's', messageId: 'm' }, () => {});

	socket.on('chat:message', (m) => expectTypeOf(m.seq).toBeNumber());
	socket.on('chat:updated', (m) => expectTypeOf(m.deletedAt).toEqualTypeOf<string | null>());
	socket.on('chat:translation', (t) => expectTypeOf(t.editedAt).toEqualTypeOf<string | null>());
	socket.on('chat:translation-unavailable', ({ reason }) => expectTypeOf(reason).toEqualTypeOf<TranslationUnavailableReason>());
	socket.on('chat:typing', ({ typing }) => expectTypeOf(typing).toBeBoolean());
	socket.on('translation:status', ({ available }) => expectTypeOf(available).toBeBoolean());
}

function server(io: Io) {
	io.to('space:x').emit('presence:update', { spaceId: 'x', members: [] });
	// @ts-expect-error presence needs its members
	io.to('space:x').emit('presence:update', { spaceId: 'x' });
	// @ts-expect-error a server event that does not exist
	io.emit('chat:mesage', {});
}

function chatServer(io: Io, message: ChatMessage, translation: ChatTranslation) {
	io.to('space:x').emit('chat:message', message);
	io.to('space:x').emit('chat:updated', { ...message, text: '', deletedAt: new Date().toISOString() });
	// @ts-expect-error a message carries its id, seq, author and times
	io.to('space:x').emit('chat:message', { spaceId: 'x', text: 'hi', lang: 'en' });
	io.to('space:x:lang:es').emit('chat:translation', translation);
	// @ts-expect-error a translation names its provider
	io.to('space:x:lang:es').emit('chat:translation', { messageId: 'm', spaceId: 'x', lang: 'es', text: 'hola', editedAt: null });
	io.to('space:x:lang:es').emit('chat:translation-unavailable', { messageId: 'm', spaceId: 'x', lang: 'es', reason: 'unavailable' });
	// @ts-expect-error only the documented reasons
	io.to('space:x:lang:es').emit('chat:translation-unavailable', { messageId: 'm', spaceId: 'x', lang: 'es', reason: 'broken' });
	io.emit('translation:status', { provider: 'apertium', available: false });
	// @ts-expect-error only known providers
	io.emit('translation:status', { provider: 'deepl', available: true });
	io.to('space:x').emit('chat:typing', { spaceId: 'x', userId: 'u', displayName: 'Ana', typing: false });
	// @ts-expect-error typing says who
	io.to('space:x').emit('chat:typing', { spaceId: 'x', typing: false });
}

test('CLIENT_EVENTS names every client event of the map, and nothing else', () => {
	// Both ways: an event added to the map but not to the list (or the reverse) fails here.
	expectTypeOf<(typeof CLIENT_EVENTS)[number]>().toEqualTypeOf<keyof ClientToServerEvents>();
});

test('the Socket.IO event maps are enforced at compile time on both ends', () => {
	expectTypeOf(client).toBeFunction();
	expectTypeOf(server).toBeFunction();
	expectTypeOf(chatClient).toBeFunction();
	expectTypeOf(chatServer).toBeFunction();
});
