import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../../src/lib/protocol/codes';
import type { Tessera } from '../app';
import { authenticateUpgrade } from '../realtime/auth';
import { canWrite } from '../spaces/permissions';
import { documentId as documentIdSchema } from './validation';

const DOC_PATH = /^\/yjs\/([^/]{1,128})$/;

/**
 * `/yjs/<documentId>`: origin check, session (cookie or `?token=`), then space membership — all before
 * `handleUpgrade`, so a refused client gets a plain HTTP status and never a byte of the document.
 */
export function createYjsUpgrade({ app }: { app: Tessera }) {
	const log = app.logger.child({ ns: 'docs' });
	const wss = new WebSocketServer({ noServer: true, maxPayload: app.config.docsMaxFrameBytes, perMessageDeflate: false });

	return {
		handles(req: IncomingMessage): boolean {
			return (req.url ?? '').startsWith('/yjs/');
		},

		async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
			socket.on('error', () => socket.destroy());
			const url = new URL(req.url ?? '/', 'http://localhost');
			const match = DOC_PATH.exec(url.pathname);
			const id = documentIdSchema.safeParse(match?.[1]);
			if (!id.success) return refuse(socket, 404, 'Not Found');
			// An upgrade that cannot be authenticated in time is refused rather than left hanging.
			const timer = setTimeout(() => refuse(socket, 503, 'Service Unavailable'), app.config.docsAuthTimeoutMs);
			try {
				const auth = await authenticateUpgrade(app, req, url.searchParams.get('token') ?? undefined);
				if (!auth.ok) return refuse(socket, auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden');
				const { user, id: sessionId } = auth.session;
				// Consent pending or withdrawn: no document, whatever the membership says.
				if ((await app.safeguarding.participation(user.id)) !== 'ok') return refuse(socket, 403, 'Forbidden');
				const access = await app.docs.access({ documentId: id.data, userId: user.id });
				if (!access) return refuse(socket, 404, 'Not Found');
				// A locked space, or a mute of this person there, makes the connection read-only (moderation).
				const mayEdit = async (role: typeof access.role) =>
					canWrite(role) && !(await app.restrictions.block({ spaceId: access.ref.spaceId, userId: user.id }));
				const writable = await mayEdit(access.role);
				if (!socket.writable) return;
				clearTimeout(timer);
				wss.handleUpgrade(req, socket, head, (ws) => {
					const conn = app.docs.relay.connect(ws, {
						document: access.ref,
						userId: user.id,
						sessionId,
						canWrite: writable,
						acks: url.searchParams.get('acks') === '1',
						displayName: user.profile.displayName,
						onActivity: () => app.accounts.touchSession(sessionId).catch((err) => log.warn({ err }, 'session touch failed'))
					});
					// Membership was read before the connection was registered; a removal in between would have
					// found nothing to close. Read it once more now that it is registered.
					void app.docs
						.access({ documentId: id.data, userId: user.id })
						.then(async (again) => {
							if (!again) conn.close(CloseCode.SessionEnded, 'no longer a member');
							else if ((await mayEdit(again.role)) !== writable) conn.close(1012, 'role changed; reconnect');
						})
						.catch((err) => log.error({ err }, 'membership re-check failed'));
				});
			} catch (err) {
				log.error({ err }, 'yjs upgrade failed');
				refuse(socket, 500, 'Internal Server Error');
			} finally {
				clearTimeout(timer);
			}
		},

		close(): void {
			wss.close();
		}
	};
}

/** Answers a refused upgrade with a plain HTTP status, before a single WebSocket byte is sent. */
function refuse(socket: Duplex, status: number, text: string): void {
	if (!socket.writable) return void socket.destroy();
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}
