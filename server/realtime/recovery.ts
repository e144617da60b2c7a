import { randomBytes } from 'node:crypto';
import { Adapter, type BroadcastOptions, type PrivateSessionId, type Room, type Session } from 'socket.io-adapter';

type SessionToPersist = Omit<Session, 'missedPackets'>;

interface Kept {
	opts: BroadcastOptions;
	data: unknown[];
	emittedAt: number;
}

/** How often packets and sessions past the recovery window are let go. */
const PRUNE_EVERY_MS = 5_000;
/** A recovery that has not connected after this long (its checks failed, or it was cut off) no longer holds its session. */
const RESTORE_MAX_MS = 30_000;
/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/** What the adapter needs of a Socket.IO server-side socket to finish its recovery. */
interface ReplaySocket {
	connected: boolean;
	recovered: boolean;
	pid: string;
	packet(packet: { type: number; data: unknown[] }): void;
}

export interface RecoveryLimits {
	/** How long a dropped connection can be recovered (Socket.IO's `maxDisconnectionDuration`). */
	windowMs: number;
	/** Broadcast packets kept for recovery (up to an eighth more before the oldest go, together). */
	maxPackets: number;
}

/**
 * Socket.IO's in-memory adapter with connection-state recovery that holds a bounded amount. Socket.IO's own
 * (`SessionAwareAdapter`) keeps every broadcast packet for the whole window and lets go of them once a minute: at
 * a thousand chat messages a second, each sent to a few rooms and followed by its translations, that is several
 * hundred thousand packets held at once, and a reconnecting client's offset is looked up by scanning them all.
 *
 * Here the most recent `maxPackets` are kept (a slice more before the oldest are let go together), pruned by age
 * every few seconds, and an offset names its packet's position, so a lookup costs nothing. For each room the
 * position of the last packet let go is remembered: a client is recovered unless a packet let go could have been
 * meant for one of its rooms after its offset. Then it joins its spaces again and catches up from history, as
 * after any longer drop. A quiet room is recovered on a busy server; a busy room, after a drop of a few seconds.
 *
 * An offset is accepted only from the socket's own time (its first connection, carried across recoveries), so a
 * client cannot ask for what was broadcast before it was there. A session is recovered by one socket at a time,
 * and used up once that socket is connected. Socket.IO's own adapter loses what is broadcast while a recovered
 * socket's checks and middlewares run (the replay is put together before them, and the socket is not yet among
 * the connected ones): here that goes to the socket as it connects.
 */
export function boundedRecoveryAdapter({ windowMs, maxPackets }: RecoveryLimits): typeof Adapter {
	return class BoundedRecoveryAdapter extends Adapter {
		/** Offsets are `<this adapter's tag>.<position>`: one from another process or an earlier run matches nothing. */
		readonly #tag = randomBytes(6).toString('base64url');
		#kept: Kept[] = [];
		/** Position of `#kept[0]`; positions count every packet ever kept, from 1. */
		#first = 1;
		/** Per room, the position of the last packet let go that was sent to it; `#droppedToAll`, to every socket. */
		#dropped = new Map<Room, number>();
		#droppedToAll = 0;
		/** Per socket id, the last position when it first connected: the oldest offset it can present. */
		#since = new Map<string, number>();
		#sessions = new Map<PrivateSessionId, SessionToPersist & { disconnectedAt: number; since: number }>();
		/**
		 * Recoveries under way, by socket id: the session, and the last position its replay covered. Until the socket
		 * is connected (checks and middlewares wait on the database) broadcasts do not reach it; they are sent to it
		 * once it is.
		 */
		#restoring = new Map<string, { pid: PrivateSessionId; upTo: number; at: number }>();
		readonly #timer = setInterval(() => this.prune(Date.now()), PRUNE_EVERY_MS);

		constructor(nsp: unknown) {
			super(nsp);
			this.#timer.unref();
		}

		override close(): void {
			clearInterval(this.#timer);
		}

		override addAll(id: string, rooms: Set<Room>): Promise<void> | void {
			if (!this.#since.has(id)) this.#since.set(id, this.#last());
			void super.addAll(id, rooms);
			// Socket.IO joins a socket to its own room as it connects: a recovered one gets what it missed meanwhile.
			const restoring = this.#restoring.get(id);
			if (restoring && rooms.has(id)) {
				const socket = (this.nsp as { sockets: Map<string, ReplaySocket> }).sockets.get(id);
				if (socket?.connected) this.#finishRecovery(id, socket, restoring);
			}
		}

		override delAll(id: string): void {
			this.#since.delete(id);
			// A recovery that did not get as far as connecting (refused, or cut off): its session may be tried again.
			this.#restoring.delete(id);
			super.delAll(id);
		}

		override persistSession(session: SessionToPersist): void {
			this.#sessions.set(session.pid, { ...session, disconnectedAt: Date.now(), since: this.#since.get(session.sid) ?? this.#last() });
		}

		override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
			// Socket.IO's own adapters answer null when nothing can be recovered; its type does not say so.
			const none = Promise.resolve(null as unknown as Session);
			const session = this.#sessions.get(pid);
			if (!session) return none;
			if (session.disconnectedAt + windowMs < Date.now()) {
				this.#sessions.delete(pid);
				return none;
			}
			// Kept until the recovered socket is connected (a reconnect refused by a middleware may try again), and
			// never taken by two at once.
			const now = Date.now();
			const underWay = this.#restoring.get(session.sid);
			if (this.sids.has(session.sid) || (underWay && now - underWay.at < RESTORE_MAX_MS)) return none;
			const position = this.#positionOf(offset);
			if (position === undefined || position < session.since || position > this.#last() || this.#droppedToAll > position) return none;
			if (session.rooms.some((room) => (this.#dropped.get(room) ?? 0) > position)) return none;
			const missedPackets: unknown[][] = [];
			for (let i = Math.max(0, position + 1 - this.#first); i < this.#kept.length; i++) {
				const packet = this.#kept[i]!;
				if (reaches(session.rooms, packet.opts)) missedPackets.push(packet.data);
			}
			this.#since.set(session.sid, session.since);
			this.#restoring.set(session.sid, { pid, upTo: this.#last(), at: now });
			const { disconnectedAt: _at, since: _since, ...restored } = session;
			return Promise.resolve({ ...restored, missedPackets });
		}

		override broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): void {
			// Packets waiting for an acknowledgement cannot be replayed (the callback is gone), nor volatile ones.
			if (packet.type === EVENT && packet.id === undefined && opts.flags?.volatile === undefined) {
				const position = this.#last() + 1;
				// The offset travels as the event's last argument; the client sends back the last one it saw.
				packet.data.push(`${this.#tag}.${position.toString(36)}`);
				this.#kept.push({ opts, data: packet.data, emittedAt: Date.now() });
				if (this.#kept.length >= maxPackets + Math.ceil(maxPackets / 8)) this.#drop(this.#kept.length - maxPackets);
			}
			super.broadcast(packet, opts);
		}

		/** Lets go of what is past the window (every few seconds by itself; public for tests). */
		prune(now: number): void {
			const threshold = now - windowMs;
			for (const [pid, session] of this.#sessions) if (session.disconnectedAt < threshold) this.#sessions.delete(pid);
			// Packets are in the order they were sent: find the first one still inside the window.
			let lo = 0;
			let hi = this.#kept.length;
			while (lo < hi) {
				const mid = (lo + hi) >>> 1;
				if (this.#kept[mid]!.emittedAt < threshold) lo = mid + 1;
				else hi = mid;
			}
			this.#drop(lo);
			// What was let go matters only to rooms someone is in, or was in when their connection dropped.
			const wanted = new Set<Room>();
			for (const session of this.#sessions.values()) for (const room of session.rooms) wanted.add(room);
			for (const room of this.#dropped.keys()) if (!this.rooms.has(room) && !wanted.has(room)) this.#dropped.delete(room);
			for (const [id, underWay] of this.#restoring) if (now - underWay.at >= RESTORE_MAX_MS && !this.sids.has(id)) this.#restoring.delete(id);
			const recovering = new Set([...this.#sessions.values()].map((s) => s.sid));
			for (const id of this.#since.keys()) if (!this.sids.has(id) && !recovering.has(id)) this.#since.delete(id);
		}

		/**
		 * The recovered socket is connected: its session is used up, and the packets for its rooms broadcast since its
		 * replay was put together go to it now, ahead of its CONNECT packet (the client holds events until then). If
		 * one of them was let go already, it cannot be recovered after all: the connection goes on as a fresh one. Its
		 * CONNECT packet (written right after this) carries a new private id, so the client sees it was not recovered
		 * and joins its spaces and catches up from history; the rooms it had are left for that to rebuild.
		 */
		#finishRecovery(id: string, socket: ReplaySocket, { pid, upTo }: { pid: PrivateSessionId; upTo: number }): void {
			this.#restoring.delete(id);
			this.#sessions.delete(pid);
			const rooms = [...(this.sids.get(id) ?? [])];
			if (this.#droppedToAll > upTo || rooms.some((room) => (this.#dropped.get(room) ?? 0) > upTo)) {
				for (const room of rooms) if (room !== id) this.del(id, room);
				socket.recovered = false;
				socket.pid = randomBytes(15).toString('base64url');
				return;
			}
			for (let i = Math.max(0, upTo + 1 - this.#first); i < this.#kept.length; i++) {
				const packet = this.#kept[i]!;
				if (reaches(rooms, packet.opts)) socket.packet({ type: EVENT, data: packet.data });
			}
		}

		#last(): number {
			return this.#first + this.#kept.length - 1;
		}

		#positionOf(offset: string): number | undefined {
			const dot = offset.lastIndexOf('.');
			if (dot < 0 || offset.slice(0, dot) !== this.#tag) return undefined;
			const position = parseInt(offset.slice(dot + 1), 36);
			return Number.isSafeInteger(position) ? position : undefined;
		}

		/** Lets go of the oldest `count` packets (in one slice, not one by one), remembering where each was sent. */
		#drop(count: number): void {
			if (count <= 0) return;
			for (let i = 0; i < count; i++) {
				const { opts } = this.#kept[i]!;
				const position = this.#first + i;
				if (opts.rooms.size === 0) this.#droppedToAll = position;
				else for (const room of opts.rooms) this.#dropped.set(room, position);
			}
			this.#kept.splice(0, count);
			this.#first += count;
		}
	};
}

/** Whether a packet sent with `opts` reached a socket in `rooms` (Socket.IO's own rule). */
function reaches(rooms: Room[], opts: BroadcastOptions): boolean {
	const included = opts.rooms.size === 0 || rooms.some((room) => opts.rooms.has(room));
	return included && !rooms.some((room) => opts.except?.has(room));
}
