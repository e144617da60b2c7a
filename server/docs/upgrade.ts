import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../../src/lib/protocol/codes';
import type { Tessera } from '../app';
import { authenticateUpgrade } from '../realtime/auth';

const DOC_PATH = /^\/yjs\/([A-Za-z0-9:_-]{1,128})$/;

/**
 * The route reserved for the Yjs relay. Until the relay lands it authenticates exactly as the relay will
 * (origin, then cookie or ?token=) and then refuses with CloseCode.NotImplemented, so clients get a clear
 * answer rather than a hanging socket.
 */
export function createYjsUpgrade({ app }: { app: Tessera }) {
	const log = app.logger.child({ ns: 'docs' });
	const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

	return {
		handles(req: IncomingMessage): boolean {
			return (req.url ?? '').startsWith('/yjs/');
		},

		async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
			socket.on('error', () => socket.destroy());
			const url = new URL(req.url ?? '/', 'http://localhost');
			const match = DOC_PATH.exec(url.pathname);
			if (!match) return refuse(socket, 404, 'Not Found');
			try {
				const auth = await authenticateUpgrade(app, req, url.searchParams.get('token') ?? undefined);
				if (!auth.ok) return refuse(socket, auth.status, auth.status === 401 ? 'Unauthorized' : 'Forbidden');
				wss.handleUpgrade(req, socket, head, (ws) => {
					log.debug({ userId: auth.session.user.id, docId: match[1] }, 'document relay not available yet');
					ws.close(CloseCode.NotImplemented, 'Shared documents are not available on this server yet');
				});
			} catch (err) {
				log.error({ err }, 'yjs upgrade failed');
				refuse(socket, 500, 'Internal Server Error');
			}
		},

		close(): void {
			for (const client of wss.clients) client.terminate();
			wss.close();
		}
	};
}

/** Answers a refused upgrade with a plain HTTP status, before a single WebSocket byte is sent. */
function refuse(socket: Duplex, status: number, text: string): void {
	if (!socket.writable) return void socket.destroy();
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}
