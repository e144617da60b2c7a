import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import type {
	ClientToServerEvents,
	InterServerEvents,
	PresenceMember,
	ServerToClientEvents,
	SocketData
} from '../../src/lib/protocol/events';
import type { ErrorCode } from '../../src/lib/protocol/codes';
import type { Tessera } from '../app';
import { createChatSockets } from '../chat/socket';
import { localeFor } from '../i18n';
import { fail, replier, type TesseraSocket } from './ack';
import { createEventLimiter } from './event-limit';
import { authenticateUpgrade } from './auth';
import { boundedRecoveryAdapter } from './recovery';
import { attachModerationRealtime, joinModeratorsRoom, MODERATORS_ROOM } from './moderation';
import { isStaff } from '../moderation/actions';
import { everywhereOrHere } from './everywhere';
import type { Logger } from '../logger';
import { spaceOfRoom } from '../moderation/live';

export type TesseraIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const MAX_PAYLOAD_BYTES = 64 * 1024;
/**
 * A connection that drops for up to two minutes gets back its rooms and what it missed. On one process at most
 * this many broadcast packets are kept for that (see boundedRecoveryAdapter); with Redis, the adapter's stream.
 */
const RECOVERY = { windowMs: 2 * 60_000, maxPackets: 20_000 };
const spaceIdPayload = z.object({ spaceId: z.uuid() });

const userRoom = (userId: string) => `user:${userId}`;
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
const spaceRoom = (spaceId: string) => `space:${spaceId}`;

/** Socket.IO at /socket.io: authenticated handshakes, validated events, sessions that end close their sockets. */
export function attachRealtime({ httpServer, app }: { httpServer: HttpServer; app: Tessera }): TesseraIo {
	const log = app.logger.child({ ns: 'realtime' });
	const io: TesseraIo = new Server(httpServer, {
		path: '/socket.io',
		serveClient: false,
		maxHttpBufferSize: MAX_PAYLOAD_BYTES,
		// Other upgrade paths (/yjs, Vite's HMR in dev) belong to other handlers.
		destroyUpgrade: false,
		connectionStateRecovery: { maxDisconnectionDuration: RECOVERY.windowMs, skipMiddlewares: false },
		cors: { origin: false },
		// With REDIS_URL: rooms, broadcasts and recovered sessions span every process.
		adapter: app.scale.adapter ?? boundedRecoveryAdapter(RECOVERY)
	});

	const chat = createChatSockets({ io, chat: app.chat, translator: app.translator, logger: app.logger, bus: app.scale.mode === 'redis' ? app.scale.bus : undefined });
	httpServer.once('close', () => chat.close());
	const detachModeration = attachModerationRealtime({ io, app, spaceRoom, leaveSpace: ({ userId, spaceId }) => takeOutOfSpace(userId, spaceId) });
	httpServer.once('close', detachModeration);
	// The moderator console's live view: who is connected to which space, on every node.
	httpServer.once('close', app.live.attach(() => connectedBySpace(io, log)));

	guardRecovery(io, app);

	// Back from a Redis outage: broadcasts from the other processes may have been lost on the way (pub/sub and
	// the adapter's stream only carry what reached Redis). This process's connections catch up from history.
	const stopResync = app.scale.bus.onResume(() => {
		io.local.emit('chat:resync', {});
		log.info('connections told to catch up after a Redis outage');
	});
	httpServer.once('close', stopResync);

	io.engine.on('connection_error', (err: { code: number; message: string }) => {
		log.debug({ code: err.code, message: err.message }, 'engine connection error');
	});

	io.use(async (socket, next) => {
		try {
			const auth = socket.handshake.auth as { token?: unknown };
			const token = typeof auth?.token === 'string' ? auth.token : undefined;
			const result = await authenticateUpgrade(app, socket.request, token);
			if (!result.ok) {
				const err = new Error(result.reason) as Error & { data: { code: ErrorCode } };
				err.data = { code: result.reason };
				return next(err);
			}
			const { session } = result;
			// A recovered connection keeps the reading language it chose with chat:language.
			const recoveredLanguage = socket.recovered ? socket.data?.readingLanguage : undefined;
			socket.data = {
				userId: session.user.id,
				role: session.user.role,
				sessionId: session.id,
				expiresAt: session.expiresAt.getTime(),
				displayName: session.user.profile.displayName,
				readingLanguage: recoveredLanguage ?? session.user.profile.readingLanguage,
				locale: localeFor({ uiLanguage: session.user.profile.uiLanguage, acceptLanguage: socket.handshake.headers['accept-language'] })
			};
			next();
		} catch (e) {
			log.error({ err: e }, 'socket authentication failed');
			next(new Error('internal'));
		}
	});

	io.on('connection', (socket) => {
		socket.join([userRoom(socket.data.userId), sessionRoom(socket.data.sessionId)]);
		joinModeratorsRoom(socket);
		// A recovered connection gets its rooms back without a new space:join: check it still belongs there.
		if (socket.recovered) void revalidateRooms(socket).catch((err) => log.error({ err }, 'room revalidation failed'));
		// A live connection never outlives its session's absolute lifetime...
		const lifetime = setTimeout(() => {
			socket.emit('session:ended', { reason: 'expired' });
			socket.disconnect(true);
		}, Math.min(2 ** 31 - 1, Math.max(0, socket.data.expiresAt - Date.now())));
		socket.on('disconnect', () => clearTimeout(lifetime));
		// ...and using it counts as activity for the idle timeout.
		let lastTouch = Date.now();
		socket.onAny(() => {
			if (Date.now() - lastTouch < 60_000) return;
			lastTouch = Date.now();
			app.accounts.touchSession(socket.data.sessionId).catch((err) => log.warn({ err }, 'session touch failed'));
		});
		log.debug({ userId: socket.data.userId, socketId: socket.id, recovered: socket.recovered }, 'socket connected');
		// Every event draws on the connection's budget; one over it is answered `rate_limited` (or, without an ack,
		// dropped) and runs nothing.
		const limiter = createEventLimiter();
		let refusals = 0;
		socket.use((packet, next) => {
			const r = limiter.take(String(packet[0]));
			if (r.allowed) return next();
			if (refusals++ % 100 === 0) log.warn({ userId: socket.data.userId, socketId: socket.id, event: String(packet[0]), refusals }, 'socket events over the rate limit');
			const ack = packet[packet.length - 1];
			if (typeof ack === 'function') (ack as (res: unknown) => void)(fail(socket, 'rate_limited', { seconds: r.retryAfterSeconds }));
		});
		chat.register(socket);

		socket.on('space:join', async (payload, ack) => {
			ack = replier(ack);
			const parsed = spaceIdPayload.safeParse(payload);
			if (!parsed.success) return ack(fail(socket, 'invalid_input'));
			const { spaceId } = parsed.data;
			try {
				// Consent pending or withdrawn: say so, rather than pretend the space is not there.
				const participation = await app.safeguarding.participation(socket.data.userId);
				if (participation !== 'ok') return ack(fail(socket, participation));
				const role = await app.spaces.roleOf(spaceId, socket.data.userId);
				if (!role) return ack(fail(socket, 'not_found'));
				await socket.join(spaceRoom(spaceId));
				const chatState = await chat.joinSpace(socket, spaceId);
				const members = await presence(spaceId);
				socket.to(spaceRoom(spaceId)).emit('presence:update', { spaceId, members });
				ack({ ok: true, members, ...chatState });
			} catch (e) {
				log.error({ err: e, spaceId }, 'space:join failed');
				ack(fail(socket, 'internal'));
			}
		});

		socket.on('space:leave', async (payload, ack) => {
			ack = replier(ack);
			const parsed = spaceIdPayload.safeParse(payload);
			if (!parsed.success) return ack(fail(socket, 'invalid_input'));
			// Not in that space's room: nothing to leave, and nobody there is told anything (an outsider must not be
			// able to send a presence update into a space they are not in).
			if (!socket.rooms.has(spaceRoom(parsed.data.spaceId))) return ack({ ok: true });
			try {
				await chat.leaveSpace(socket, parsed.data.spaceId);
				await broadcastPresence(parsed.data.spaceId);
				ack({ ok: true });
			} catch (e) {
				log.error({ err: e }, 'space:leave failed');
				ack(fail(socket, 'internal'));
			}
		});

		socket.on('disconnecting', () => {
			const spaces = [...socket.rooms].filter((r) => r.startsWith('space:') && !r.includes(':lang:')).map((r) => r.slice('space:'.length));
			// After the socket has left its rooms.
			setImmediate(() => spaces.forEach((id) => void broadcastPresence(id).catch(() => {})));
		});
	});

	async function revalidateRooms(socket: TesseraSocket) {
		for (const room of [...socket.rooms]) {
			if (!room.startsWith('space:') || room.includes(':lang:')) continue;
			const spaceId = room.slice('space:'.length);
			if (!(await app.spaces.roleOf(spaceId, socket.data.userId))) await chat.leaveSpace(socket, spaceId);
		}
		await chat.syncRooms(socket);
	}

	async function presence(spaceId: string): Promise<PresenceMember[]> {
		const sockets = await everywhereOrHere(io, spaceRoom(spaceId), log);
		const userIds = [...new Set(sockets.map((s) => s.data.userId))];
		if (userIds.length === 0) return [];
		const space = await app.spaces.get({ spaceId, userId: userIds[0]! }).catch(() => null);
		if (!space) return [];
		return space.members
			.filter((m) => userIds.includes(m.userId))
			.map((m) => ({ userId: m.userId, displayName: m.displayName, role: m.role }));
	}

	async function broadcastPresence(spaceId: string) {
		io.to(spaceRoom(spaceId)).emit('presence:update', { spaceId, members: await presence(spaceId) });
	}

	// A session that ends takes its live connections with it, on this process, at once.
	// Broadcasts, not a fetch of every node's sockets: a node that just died cannot hold this up.
	app.accounts.events.on('user:sessions-ended', ({ userId, reason, exceptSessionId }) => {
		const told = exceptSessionId ? io.to(userRoom(userId)).except(sessionRoom(exceptSessionId)) : io.to(userRoom(userId));
		told.emit('session:ended', { reason });
		const closing = exceptSessionId ? io.in(userRoom(userId)).except(sessionRoom(exceptSessionId)) : io.in(userRoom(userId));
		closing.disconnectSockets(true);
		log.info({ userId, reason }, 'closed sockets of ended sessions');
	});
	app.accounts.events.on('session:ended', ({ sessionId, reason }) => {
		io.to(sessionRoom(sessionId)).emit('session:ended', { reason });
		io.in(sessionRoom(sessionId)).disconnectSockets(true);
	});
	// Withdrawn participation takes effect on live connections too: the person's sockets close.
	app.safeguarding.events.on('participation:withdrawn', ({ userId }) => {
		io.to(userRoom(userId)).emit('session:ended', { reason: 'consent_withdrawn' });
		io.in(userRoom(userId)).disconnectSockets(true);
		log.info({ userId }, 'closed sockets: participation withdrawn');
	});
	/** Every connection of `userId`, on every node, leaves the space's rooms; the others see them gone. */
	function takeOutOfSpace(userId: string, spaceId: string): void {
		io.in(userRoom(userId)).socketsLeave(chat.roomsOf(spaceId));
		void broadcastPresence(spaceId).catch(() => {});
	}
	app.spaces.events.on('member:left', ({ spaceId, userId }) => takeOutOfSpace(userId, spaceId));

	return io;
}

/** Space id → ids of the people connected to it now, from the adapter (every node's sockets). */
export async function connectedBySpace(io: TesseraIo, log: Logger): Promise<Map<string, Set<string>>> {
	const bySpace = new Map<string, Set<string>>();
	for (const socket of await everywhereOrHere(io, undefined, log)) {
		for (const room of socket.rooms) {
			const spaceId = spaceOfRoom(room);
			if (!spaceId) continue;
			let users = bySpace.get(spaceId);
			if (!users) bySpace.set(spaceId, (users = new Set()));
			users.add(socket.data.userId);
		}
	}
	return bySpace;
}

/**
 * Connection-state recovery gives a dropped connection its rooms back and replays what they missed, before any
 * middleware runs. Only when it would still be let in now: its session live, still a member of every space it
 * was in, and still staff if it was in the moderators' room. Otherwise it connects afresh (authenticated by io.use, rejoining what it may), so someone removed
 * from a space or suspended while their network was down is never sent that space's messages.
 */
function guardRecovery(io: TesseraIo, app: Tessera): void {
	const adapter = io.of('/').adapter;
	const restore = adapter.restoreSession.bind(adapter);
	// Socket.IO's own adapters answer null when nothing can be recovered; its type just does not say so.
	adapter.restoreSession = (async (pid: string, offset: string) => {
		const session = await restore(pid, offset);
		if (!session) return session;
		const data = session.data as Partial<SocketData>;
		if (!data.userId || !data.sessionId) return null;
		const role = await app.accounts.liveSessionRole(data.sessionId);
		if (!role) return null;
		// The moderators' room's alerts sent meanwhile would be replayed to someone who is no longer staff.
		if (session.rooms.includes(MODERATORS_ROOM) && !isStaff(role)) return null;
		const spaces = new Set([...session.rooms].filter((r) => r.startsWith('space:')).map((r) => r.slice('space:'.length).split(':')[0]!));
		for (const spaceId of spaces) if (!(await app.spaces.roleOf(spaceId, data.userId))) return null;
		return session;
	}) as typeof adapter.restoreSession;
}
