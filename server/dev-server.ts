import type { Plugin, ViteDevServer } from 'vite';

/**
 * `npm run dev`: the same Socket.IO and Yjs handlers as production, attached to Vite's HTTP server and
 * loaded through Vite's SSR module graph, so SvelteKit routes and sockets share one instance of each service.
 */
export function tesseraDevServer(): Plugin {
	return {
		name: 'tessera-dev-server',
		apply: 'serve',
		configureServer(vite: ViteDevServer) {
			const httpServer = vite.httpServer;
			if (!httpServer) return;
			// Load after listening, when the paraglide plugin has compiled the message catalog.
			httpServer.once('listening', () => {
				vite
					.ssrLoadModule('/server/dev-attach.ts')
					.then((mod) => (mod as typeof import('./dev-attach')).attachDev(httpServer as import('node:http').Server))
					.catch((err) => {
						vite.config.logger.error(`[tessera] could not start services: ${(err as Error).stack ?? err}`);
					});
			});
		}
	};
}
