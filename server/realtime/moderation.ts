import type { ChatMessage } from '../../src/lib/protocol/chat';
import type { ModerationAlert } from '../../src/lib/protocol/events';
import type { Tessera } from '../app';
import type { TesseraIo } from '.';
import type { TesseraSocket } from './ack';

/** Connected moderators and admins, who receive `moderation:alert`. */
export const MODERATORS_ROOM = 'moderators';

/**
 * Moderation over Socket.IO: alerts to connected staff, and a moderator's "end this session" closing every socket
 * in the space after telling it why. Returns a function that detaches the listeners.
 */
export function attachModerationRealtime({ io, app, spaceRoom }: { io: TesseraIo; app: Tessera; spaceRoom: (spaceId: string) => string }): () => void {
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
	app.reports.events.on('alert', onAlert);
	app.chat.events.on('held', onHeld);
	app.moderation.events.on('doc-held', onDocHeld);
	app.moderationActions.events.on('space:session-ended', onSessionEnded);
	return () => {
		app.reports.events.off('alert', onAlert);
		app.chat.events.off('held', onHeld);
		app.moderation.events.off('doc-held', onDocHeld);
		app.moderationActions.events.off('space:session-ended', onSessionEnded);
	};
}

/** Staff connections join the moderators' room as they connect. */
export function joinModeratorsRoom(socket: TesseraSocket): void {
	if (socket.data.role === 'moderator' || socket.data.role === 'admin') void socket.join(MODERATORS_ROOM);
}
