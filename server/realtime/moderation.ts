import type { ChatMessage } from '../../src/lib/protocol/chat';
import type { ModerationAlert } from '../../src/lib/protocol/events';
import type { Tessera } from '../app';
import type { Role } from '../accounts';
import { isStaff } from '../moderation/actions';
import { spaceOfRoom } from '../moderation/live';
import type { TesseraIo } from '.';
import type { TesseraSocket } from './ack';

/** Connected moderators and admins, who receive `moderation:alert`. */
export const MODERATORS_ROOM = 'moderators';

/**
 * Moderation over Socket.IO: alerts to connected staff, a moderator's "end this session" closing every socket
 * in the space after telling it why, and staff rooms following account roles. `leaveSpace` takes someone's sockets
 * out of every room of a space. Returns a function that detaches the listeners.
 */
export function attachModerationRealtime({
	io,
	app,
	spaceRoom,
	leaveSpace
}: {
	io: TesseraIo;
	app: Tessera;
	spaceRoom: (spaceId: string) => string;
	leaveSpace: (args: { userId: string; spaceId: string }) => void;
}): () => void {
	const log = app.logger.child({ ns: 'moderation.realtime' });

	/** To every connected moderator but those it is about: a staff member reported, or paused, is not told. */
	const onAlert = (alert: ModerationAlert, about: string[] = []) => {
		io.to(MODERATORS_ROOM)
			.except(about.map((userId) => `user:${userId}`))
			.emit('moderation:alert', alert);
	};
	const onSessionEnded = ({ spaceId }: { spaceId: string }) => {
		void (async () => {
			const sockets = await io.in(spaceRoom(spaceId)).fetchSockets();
			for (const s of sockets) {
				s.emit('space:session-ended', { spaceId, reason: 'ended_by_moderator' });
				s.disconnect(true);
			}
			log.info({ spaceId, sockets: sockets.length }, 'closed the sockets of an ended session');
		})().catch((err) => log.error({ err, spaceId }, 'ending a session failed'));
	};
	// A text held for review: the console refreshes its queue (no text, no author in the alert).
	const onHeld = (message: ChatMessage) => {
		if (message.held !== 'pending' || message.deletedAt) return;
		// Not to its author, should they be staff: their own texts are not theirs to review.
		onAlert({ kind: 'held', reportId: null, spaceId: message.spaceId, reason: 'held', urgent: false, createdAt: new Date().toISOString() }, message.authorId ? [message.authorId] : []);
	};
	// Text taken out of a document and held: the same alert, its reason saying where the text was written.
	const onDocHeld = ({ spaceId }: { spaceId: string }) => {
		onAlert({ kind: 'held', reportId: null, spaceId, reason: 'doc', urgent: false, createdAt: new Date().toISOString() });
	};
	/**
	 * A new account role takes effect on open connections, on every node: someone made staff gets alerts from now on;
	 * someone who is no longer staff gets none, and leaves the spaces they were in only as a supervisor.
	 */
	const onRoleChanged = ({ userId, from, to }: { userId: string; from: Role; to: Role }) => {
		const mine = io.in(`user:${userId}`);
		if (isStaff(to)) {
			if (!isStaff(from)) mine.socketsJoin(MODERATORS_ROOM);
			return;
		}
		if (!isStaff(from)) return;
		mine.socketsLeave(MODERATORS_ROOM);
		void (async () => {
			const sockets = await mine.fetchSockets();
			const spaceIds = new Set(sockets.flatMap((s) => [...s.rooms].map(spaceOfRoom).filter((id) => id !== null)));
			let left = 0;
			for (const spaceId of spaceIds) {
				// spaces.roleOf is not cached: it answers null for a supervisor who is no longer staff.
				if (await app.spaces.roleOf(spaceId, userId)) continue;
				leaveSpace({ userId, spaceId });
				left++;
			}
			log.info({ userId, from, to, sockets: sockets.length, spacesLeft: left }, 'no longer staff: left the moderators room and supervised spaces');
		})().catch((err) => log.error({ err, userId }, 'taking a former moderator out of staff rooms failed'));
	};
	app.reports.events.on('alert', onAlert);
	app.chat.events.on('held', onHeld);
	app.moderation.events.on('doc-held', onDocHeld);
	app.moderationActions.events.on('space:session-ended', onSessionEnded);
	app.accounts.events.on('user:role-changed', onRoleChanged);
	return () => {
		app.reports.events.off('alert', onAlert);
		app.chat.events.off('held', onHeld);
		app.moderation.events.off('doc-held', onDocHeld);
		app.moderationActions.events.off('space:session-ended', onSessionEnded);
		app.accounts.events.off('user:role-changed', onRoleChanged);
	};
}

/**
 * Staff connections join the moderators' room as they connect; anyone else is taken out of it (a recovered
 * connection gets its old rooms back, from when its account may still have been staff).
 */
export function joinModeratorsRoom(socket: TesseraSocket): void {
	if (isStaff(socket.data.role)) void socket.join(MODERATORS_ROOM);
	else void socket.leave(MODERATORS_ROOM);
}
