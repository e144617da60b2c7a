import type { Server } from 'socket.io';
import { CHAT_MAX_CHARS, type ChatMessage, type TranslationStatus } from '../../src/lib/protocol/chat';
import type { Ack, ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../src/lib/protocol/events';
import type { Logger } from '../logger';
import { fail, failFrom, replier, type TesseraSocket } from '../realtime/ack';
import { everywhereOrHere } from '../realtime/everywhere';
import type { Translator } from '../translate';
import type { ChatService } from '.';
import type { Bus } from '../scale';
import { languageRoom, parseLanguageRoom, spaceRoom, translationTarget } from './languages';
import { createSharedLanguages } from './shared-languages';
import type { TranslationOutcome } from './translations';
import { editPayload, historyPayload, languagePayload, messageRef, parsePayload, sendPayload, typingPayload } from './validation';

type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How long a deleted message's id is remembered to stop translations still in flight (far beyond any translator timeout). */
const DELETED_MEMORY_MS = 10 * 60_000;

/** A typing indicator nobody renewed goes out by itself after this long. */
export const TYPING_TIMEOUT_MS = 5_000;

/** Whatever can receive an emit: one socket, or a room. */
interface Target {
	emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): unknown;
}

/**
 * Chat over Socket.IO: the chat events of every connection, delivery of stored messages to their space's room,
 * and translation fan-out. Each connection in a space is also in one language room of that space
 * (`space:<id>:lang:<target>`); a message is translated once per language room present (on any process, with
 * `bus`) and the translation goes to that room only. The original never waits for a translation.
 */
export function createChatSockets({ io, chat, translator, logger, bus }: { io: Io; chat: ChatService; translator: Translator; logger: Logger; bus?: Bus }) {
	const log = logger.child({ ns: 'chat.socket' });
	const presence = createSharedLanguages({ bus, logger });
	const adapter = io.of('/').adapter;
	const onCreateRoom = (room: string) => presence.roomCreated(room);
	const onDeleteRoom = (room: string) => presence.roomDeleted(room);
	adapter.on('create-room', onCreateRoom);
	adapter.on('delete-room', onDeleteRoom);

	/**
	 * Messages deleted lately, so that a translation still in flight when its message is deleted is not
	 * delivered: a minor who takes back a phone number at once must not see it go out translated.
	 */
	const deleted = new Map<string, number>();
	function forget(now: number): void {
		if (deleted.size < 10_000) return;
		for (const [id, at] of deleted) if (now - at > DELETED_MEMORY_MS) deleted.delete(id);
	}

	function deliver(to: Target, message: ChatMessage, target: string, outcome: TranslationOutcome): void {
		if (deleted.has(message.id)) return;
		if (outcome.ok) to.emit('chat:translation', outcome.translation);
		else to.emit('chat:translation-unavailable', { messageId: message.id, spaceId: message.spaceId, lang: target, reason: outcome.reason });
	}

	/** One translation per reading language present in the space, each to its own language room. */
	function fanOut(message: ChatMessage): void {
		for (const target of presence.targets(message.spaceId)) translateFor(message, target);
	}

	function translateFor(message: ChatMessage, target: string): void {
		if (!chat.translations.needs(message, target)) return;
		void chat.translations.translate(message, target).then((outcome) => deliver(io.to(languageRoom(message.spaceId, target)), message, target, outcome));
	}

	/**
	 * A new message goes to each language room of its space, carrying the translation for that room when the
	 * translator has it in memory (most short phrases): those readers get one frame, already in their language,
	 * and a screen reader announces it once. Other rooms get the original now and the translation when it is
	 * ready. The rooms span processes; whoever is in the space but in none of these rooms (a reader on a process
	 * whose languages are not known here yet) gets the original through the space's room.
	 */
	const onMessage = (message: ChatMessage) => {
		const { spaceId } = message;
		const rooms: string[] = [];
		for (const target of presence.targets(spaceId)) {
			const room = languageRoom(spaceId, target);
			rooms.push(room);
			const translation = chat.translations.needs(message, target) ? chat.translations.ready(message, target) : undefined;
			io.to(room).emit('chat:message', translation ? { ...message, translation } : message);
			if (!translation) translateFor(message, target);
		}
		// Also when every connection here is in one of those rooms: the space room's packet is what connection-state
		// recovery replays to a reader who reconnects into a language room nobody else reads.
		io.to(spaceRoom(spaceId)).except(rooms).emit('chat:message', message);
	};
	/**
	 * Held texts, their deletion while held, and rejections go to their author's connections in that space and
	 * nowhere else: other members are not told that anything exists.
	 */
	const onHeld = (message: ChatMessage, fresh: boolean) => {
		if (!message.authorId) return;
		const room = spaceRoom(message.spaceId);
		void everywhereOrHere(io, `user:${message.authorId}`, log)
			.then((sockets) => {
				for (const s of sockets) {
					if (!s.rooms.has(room)) continue;
					if (fresh) s.emit('chat:message', message);
					else s.emit('chat:updated', message);
				}
			})
			.catch((err: unknown) => log.error({ err, messageId: message.id }, 'delivering a held message to its author failed'));
	};
	const onUpdated = (message: ChatMessage) => {
		if (message.held) return onHeld(message, false);
		if (message.deletedAt) {
			const now = Date.now();
			forget(now);
			deleted.set(message.id, now);
		}
		io.to(spaceRoom(message.spaceId)).emit('chat:updated', message);
		if (!message.deletedAt) fanOut(message);
	};
	chat.events.on('message', onMessage);
	chat.events.on('updated', onUpdated);
	chat.events.on('held', onHeld);
	const offStatus = translator.onStatus((status) => io.emit('translation:status', status as TranslationStatus));

	/** The language rooms this socket is in for one space. */
	function languageRoomsOf(socket: TesseraSocket, spaceId: string): string[] {
		return [...socket.rooms].filter((r) => parseLanguageRoom(r)?.spaceId === spaceId);
	}

	/** Puts the socket in the space's room for its reading language, and in no other of that space. */
	async function syncLanguageRoom(socket: TesseraSocket, spaceId: string): Promise<void> {
		const wanted = languageRoom(spaceId, translationTarget(socket.data.readingLanguage));
		for (const room of languageRoomsOf(socket, spaceId)) if (room !== wanted) await socket.leave(room);
		await socket.join(wanted);
	}

	function spacesOf(socket: TesseraSocket): string[] {
		return [...socket.rooms].filter((r) => r.startsWith('space:') && !r.includes(':lang:')).map((r) => r.slice('space:'.length));
	}

	return {
		/** What `space:join` adds for chat, after the socket has joined the space's room. */
		async joinSpace(socket: TesseraSocket, spaceId: string) {
			await syncLanguageRoom(socket, spaceId);
			// A message sent on another process right after this join is translated for this reader too.
			await presence.settled(spaceId);
			return {
				readingLanguage: socket.data.readingLanguage,
				translation: translator.status() as TranslationStatus,
				lastReadId: await chat.lastReadId({ spaceId, userId: socket.data.userId })
			};
		},

		/** Takes the socket out of the space's room and its language room. */
		async leaveSpace(socket: TesseraSocket, spaceId: string): Promise<void> {
			for (const room of [spaceRoom(spaceId), ...languageRoomsOf(socket, spaceId)]) await socket.leave(room);
		},

		/** Every room of the space (its own and its language rooms), for taking someone out of all of them. */
		roomsOf(spaceId: string): string[] {
			return [spaceRoom(spaceId), ...presence.targets(spaceId).map((t) => languageRoom(spaceId, t))];
		},

		/**
		 * A recovered connection got its old rooms back: keep exactly one language room per space it is still in,
		 * matching its reading language, and none for spaces it left.
		 */
		async syncRooms(socket: TesseraSocket): Promise<void> {
			const spaces = new Set(spacesOf(socket));
			for (const room of socket.rooms) {
				const parsed = parseLanguageRoom(room);
				if (parsed && !spaces.has(parsed.spaceId)) await socket.leave(room);
			}
			for (const spaceId of spaces) await syncLanguageRoom(socket, spaceId);
		},

		/** The chat events of one connection. */
		register(socket: TesseraSocket): void {
			registerHandlers(socket);
		},

		close(): void {
			offStatus();
			chat.events.off('message', onMessage);
			chat.events.off('updated', onUpdated);
			chat.events.off('held', onHeld);
			adapter.off('create-room', onCreateRoom);
			adapter.off('delete-room', onDeleteRoom);
			presence.close();
		}
	};

	function registerHandlers(socket: TesseraSocket): void {
		const me = () => ({ id: socket.data.userId, name: socket.data.displayName });
		const failed = (err: unknown, event: string, spaceId?: string) => failFrom(socket, err, log, { event, spaceId }, { max: CHAT_MAX_CHARS });
		const typing = new Map<string, NodeJS.Timeout>();
		const typingTurns = new Map<string, number>();

		function relayTyping(spaceId: string, isTyping: boolean) {
			socket.to(spaceRoom(spaceId)).emit('chat:typing', { spaceId, userId: socket.data.userId, displayName: socket.data.displayName, typing: isTyping });
		}
		function startTyping(spaceId: string) {
			const timer = typing.get(spaceId);
			if (timer) return void timer.refresh();
			typing.set(
				spaceId,
				setTimeout(() => stopTyping(spaceId), TYPING_TIMEOUT_MS)
			);
			relayTyping(spaceId, true);
		}
		function stopTyping(spaceId: string) {
			const timer = typing.get(spaceId);
			if (!timer) return;
			clearTimeout(timer);
			typing.delete(spaceId);
			relayTyping(spaceId, false);
		}
		socket.on('disconnecting', () => {
			for (const spaceId of [...typing.keys()]) stopTyping(spaceId);
			typingTurns.clear();
		});

		socket.on('chat:send', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(sendPayload, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			const { spaceId, clientId, text, lang } = p.data;
			try {
				const { message } = await chat.send({ spaceId, author: me(), clientId, text, lang: lang ?? socket.data.readingLanguage });
				stopTyping(spaceId);
				reply({ ok: true, message });
			} catch (e) {
				reply(failed(e, 'chat:send', spaceId));
			}
		});

		socket.on('chat:edit', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(editPayload, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			try {
				reply({ ok: true, message: await chat.edit({ ...p.data, userId: socket.data.userId }) });
			} catch (e) {
				reply(failed(e, 'chat:edit', p.data.spaceId));
			}
		});

		socket.on('chat:delete', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(messageRef, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			try {
				reply({ ok: true, message: await chat.remove({ ...p.data, userId: socket.data.userId }) });
			} catch (e) {
				reply(failed(e, 'chat:delete', p.data.spaceId));
			}
		});

		socket.on('chat:history', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(historyPayload, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			const target = translationTarget(socket.data.readingLanguage);
			try {
				const { messages, hasMore, untranslated } = await chat.history({ ...p.data, userId: socket.data.userId, target });
				reply({ ok: true, messages, hasMore });
				// After the ack, so the client has the messages these translations belong to.
				for (const m of untranslated) void chat.translations.translate(m, target).then((outcome) => deliver(socket, m, target, outcome));
			} catch (e) {
				reply(failed(e, 'chat:history', p.data.spaceId));
			}
		});

		// Typing is shown only for who may send now; the optional ack says why not (a pause, silent, answers ok).
		socket.on('chat:typing', (payload, ack) => {
			const reply = replier<Ack>(ack);
			const p = parsePayload(typingPayload, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			const { spaceId, typing: isTyping } = p.data;
			if (!socket.rooms.has(spaceRoom(spaceId))) return reply(fail(socket, 'not_found'));
			// A later event of this connection for the space wins over an earlier one still being checked.
			const turn = (typingTurns.get(spaceId) ?? 0) + 1;
			typingTurns.set(spaceId, turn);
			if (!isTyping) {
				stopTyping(spaceId);
				return reply({ ok: true });
			}
			chat
				.typingShown({ spaceId, userId: socket.data.userId })
				.then((shown) => {
					if (typingTurns.get(spaceId) !== turn) return reply({ ok: true });
					if (!socket.connected || !socket.rooms.has(spaceRoom(spaceId))) return reply(fail(socket, 'not_found'));
					if (shown) startTyping(spaceId);
					else stopTyping(spaceId);
					reply({ ok: true });
				})
				.catch((e: unknown) => {
					// Muted or locked while an indicator was showing: it goes out now, not when it times out.
					if (typingTurns.get(spaceId) === turn) stopTyping(spaceId);
					reply(failed(e, 'chat:typing', spaceId));
				});
		});

		socket.on('chat:read', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(messageRef, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			try {
				await chat.markRead({ ...p.data, userId: socket.data.userId });
				reply({ ok: true });
			} catch (e) {
				reply(failed(e, 'chat:read', p.data.spaceId));
			}
		});

		socket.on('chat:language', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(languagePayload, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			try {
				socket.data.readingLanguage = p.data.lang;
				for (const spaceId of spacesOf(socket)) {
					await syncLanguageRoom(socket, spaceId);
					await presence.settled(spaceId);
				}
				reply({ ok: true, lang: p.data.lang });
			} catch (e) {
				reply(failed(e, 'chat:language'));
			}
		});

		socket.on('chat:translate', async (payload, ack) => {
			const reply = replier(ack);
			const p = parsePayload(messageRef, payload);
			if (!p.ok) return reply(fail(socket, p.code));
			const target = translationTarget(socket.data.readingLanguage);
			try {
				const message = await chat.message({ ...p.data, userId: socket.data.userId });
				if (message.deletedAt) return reply(fail(socket, 'message_deleted'));
				reply({ ok: true });
				if (!chat.translations.enabled) return deliver(socket, message, target, { ok: false, reason: 'off' });
				if (!chat.translations.needs(message, target)) return;
				deliver(socket, message, target, await chat.translations.translate(message, target));
			} catch (e) {
				reply(failed(e, 'chat:translate', p.data.spaceId));
			}
		});
	}
}

export type ChatSockets = ReturnType<typeof createChatSockets>;
