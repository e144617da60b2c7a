import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { chatMessages } from '../../server/db/schema';
import type { ChatMessage } from '../../src/lib/protocol/chat';
import type { ClientToServerEvents } from '../../src/lib/protocol/events';
import { createSpace, joinSpace, newUser, type TestUser } from './api';
import type { TestServer } from './server';
import type { ClientSocket, Sockets, SocketOptions } from './sockets';
import { nextMatching } from './wait';

type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1] extends (res: infer R) => void ? R : never;

/** Emits a client event and resolves with its ack; the payload is deliberately loose so tests can send garbage. */
export function request<E extends keyof ClientToServerEvents>(socket: ClientSocket, event: E, payload: Payload<E> | unknown): Promise<AckOf<E>> {
	const timed = socket.timeout(5_000);
	const emit = timed.emitWithAck as unknown as (ev: E, p: unknown) => Promise<AckOf<E>>;
	return emit.call(timed, event, payload);
}

/** Sends a message and fails the test unless it is acknowledged. */
export async function sendOk(socket: ClientSocket, spaceId: string, text: string, extra: { clientId?: string; lang?: string } = {}): Promise<ChatMessage> {
	const ack = await request(socket, 'chat:send', { spaceId, clientId: extra.clientId ?? randomUUID(), text, ...(extra.lang ? { lang: extra.lang } : {}) });
	if (!ack.ok) throw new Error(`chat:send refused: ${ack.error.code}`);
	return ack.message;
}

/** Every payload of `event` this socket receives from now on. */
export function record<T = any>(socket: ClientSocket, event: string): T[] {
	const seen: T[] = [];
	(socket as unknown as { on(e: string, f: (x: T) => void): void }).on(event, (x) => seen.push(x));
	return seen;
}

/** Resolves with the chat:message carrying this client id. */
export function nextMessage(socket: ClientSocket, clientId: string, timeoutMs = 5_000): Promise<ChatMessage> {
	return nextMatching<ChatMessage>(socket, 'chat:message', (m) => m.clientId === clientId, timeoutMs);
}

export interface ChatMember {
	user: TestUser;
	socket: ClientSocket;
}

/**
 * A space with an owner and further members (or observers), each connected and joined. `users` override
 * sign-up fields per person (e.g. `{ readingLanguage: 'es' }`); `headers` go with their handshake.
 */
export async function chatSpace(
	server: TestServer,
	sockets: Sockets,
	people: { role?: 'member' | 'observer'; user?: Record<string, unknown>; socket?: SocketOptions; join?: boolean }[]
): Promise<{ spaceId: string; members: ChatMember[] }> {
	const users = await Promise.all(people.map((p) => newUser(server.url, p.user ?? {})));
	const owner = users[0]!;
	const spaceId = await createSpace(server.url, owner);
	for (let i = 1; i < users.length; i++) await joinSpace(server.url, owner, users[i]!, spaceId, people[i]!.role ?? 'member');
	const members: ChatMember[] = [];
	for (let i = 0; i < users.length; i++) {
		const socket = await sockets.connect(server.url, { token: users[i]!.token, ...people[i]!.socket });
		if (people[i]!.join !== false) {
			const ack = await request(socket, 'space:join', { spaceId });
			if (!ack.ok) throw new Error(`space:join refused: ${ack.error.code}`);
		}
		members.push({ user: users[i]!, socket });
	}
	return { spaceId, members };
}

export async function storedCount(server: TestServer, spaceId: string): Promise<number> {
	const [row] = await server.db.select({ n: count() }).from(chatMessages).where(eq(chatMessages.spaceId, spaceId));
	return row?.n ?? 0;
}
