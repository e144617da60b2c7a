import type { Server } from 'node:http';
import { createTessera } from './app';
import { setDevApp } from './dev-app';
import { loadConfig } from './config';
import { createYjsUpgrade } from './docs/upgrade';
import { attachRealtime } from './realtime';

/** Dev-mode twin of startServer(): services, Socket.IO and the Yjs route on Vite's server. */
export async function attachDev(httpServer: Server): Promise<void> {
	const app = await createTessera(loadConfig());
	setDevApp(app);
	attachRealtime({ httpServer, app });
	const yjs = createYjsUpgrade({ app });
	// Leave every other upgrade (Vite's HMR socket) alone.
	httpServer.on('upgrade', (req, socket, head) => {
		if (yjs.handles(req)) void yjs.handle(req, socket, head);
	});
	httpServer.once('close', () => {
		yjs.close();
		void app.close();
	});
}
