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

export interface RecoveryLimits {
	/** How long a dropped connection can be recovered (Socket.IO's `maxDisconnectionDuration`). */
	windowMs: number;
	/** Broadcast packets kept for recovery at most; beyond it the oldest go first. */
	maxPackets: number;
}

/**
 * Socket.IO's in-memory adapter with connection-state recovery that holds a bounded amount. Socket.IO's own
 * (`SessionAwareAdapter`) keeps every broadcast packet for the whole window and lets go of them once a minute: at
 * a thousand chat messages a second, each sent to a few rooms and followed by its translations, that is several
 * hundred thousand packets held at once, and a reconnecting client's offset is looked up by scanning them all.
 *
 * Here at most `maxPackets` are kept (the most recent), pruned by age every few seconds, and an offset names its
 * packet's position, so a lookup costs nothing. When the packets a client missed are no longer all there, it is
 * not recovered: it joins its spaces again and catches up from history, as after any longer drop. A quiet server
 * keeps the whole window; a very busy one, the last few seconds.
 */
export function boundedRecoveryAdapter({ windowMs, maxPackets }: RecoveryLimits): typeof Adapter {
	return class BoundedRecoveryAdapter extends Adapter {
		/** Offsets are `<this adapter's tag>.<position>`: one from another process or an earlier run matches nothing. */
		readonly #tag = randomBytes(6).toString('base64url');
		#kept: Kept[] = [];
		/** Position of `#kept[0]`; positions count every packet ever kept, from 1. */
		#first = 1;
		#sessions = new Map<PrivateSessionId, SessionToPersist & { disconnectedAt: number }>();
		readonly #timer = setInterval(() => this.#prune(Date.now()), PRUNE_EVERY_MS);

		constructor(nsp: unknown) {
			super(nsp);
			this.#timer.unref();
		}

		override close(): void {
			clearInterval(this.#timer);
		}

		override persistSession(session: SessionToPersist): void {
			this.#sessions.set(session.pid, { ...session, disconnectedAt: Date.now() });
		}

		override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
			const session = this.#sessions.get(pid);
			// Socket.IO's own adapters answer null when nothing can be recovered; its type does not say so.
			const none = Promise.resolve(null as unknown as Session);
			if (!session) return none;
			this.#sessions.delete(pid);
			if (session.disconnectedAt + windowMs < Date.now()) return none;
			const position = this.#positionOf(offset);
			// Every packet after the client's last one must still be here (the one before the first kept will do).
			if (position === undefined || position < this.#first - 1 || position >= this.#first + this.#kept.length) return none;
			const missedPackets: unknown[][] = [];
			for (let i = position + 1 - this.#first; i < this.#kept.length; i++) {
				const packet = this.#kept[i]!;
				if (reaches(session.rooms, packet.opts)) missedPackets.push(packet.data);
			}
			const { disconnectedAt: _at, ...restored } = session;
			return Promise.resolve({ ...restored, missedPackets });
		}

		override broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): void {
			// Packets waiting for an acknowledgement cannot be replayed (the callback is gone), nor volatile ones.
			if (packet.type === 2 && packet.id === undefined && opts.flags?.volatile === undefined) {
				const position = this.#first + this.#kept.length;
				// The offset travels as the event's last argument; the client sends back the last one it saw.
				packet.data.push(`${this.#tag}.${position.toString(36)}`);
				this.#kept.push({ opts, data: packet.data, emittedAt: Date.now() });
				// Dropped in slices, not one by one, so the array is not shifted on every packet.
				if (this.#kept.length >= maxPackets + Math.ceil(maxPackets / 8)) this.#drop(this.#kept.length - maxPackets);
			}
			super.broadcast(packet, opts);
		}

		#positionOf(offset: string): number | undefined {
			const dot = offset.lastIndexOf('.');
			if (dot < 0 || offset.slice(0, dot) !== this.#tag) return undefined;
			const position = parseInt(offset.slice(dot + 1), 36);
			return Number.isSafeInteger(position) ? position : undefined;
		}

		#drop(count: number): void {
			if (count <= 0) return;
			this.#kept.splice(0, count);
			this.#first += count;
		}

		#prune(now: number): void {
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
		}
	};
}

/** Whether a packet sent with `opts` reached a socket in `rooms` (Socket.IO's own rule). */
function reaches(rooms: Room[], opts: BroadcastOptions): boolean {
	const included = opts.rooms.size === 0 || rooms.some((room) => opts.rooms.has(room));
	return included && !rooms.some((room) => opts.except?.has(room));
}
