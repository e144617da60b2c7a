import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTessera, type Tessera } from '../app';
import { loadConfig, type Config } from '../config';
import { createYjsUpgrade } from '../docs/upgrade';
import { attachRealtime } from '../realtime';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export const PROTOCOL_HEADER = 'x-tessera-proto';

export interface RunningServer {
	url: string;
	port: number;
	app: Tessera;
	httpServer: Server;
	close(): Promise<void>;
}

/**
 * Loads the built SvelteKit handler once per process. adapter-node reads its settings from the environment
 * when the module is first imported, so they are set from our config just before.
 */
async function loadKitHandler(config: Config): Promise<NodeHandler> {
	process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
	process.env.BODY_SIZE_LIMIT = String(config.bodySizeLimit);
	if (config.origin) process.env.ORIGIN = config.origin;
	const mod = (await import(/* @vite-ignore */ pathToFileURL(join(config.buildDir, 'handler.js')).href)) as { handler: NodeHandler };
	return mod.handler;
}

/**
 * Without ORIGIN, adapter-node assumes https; we tell it the truth instead: https only on a TLS socket or,
 * with TRUST_PROXY, when the proxy says so. A client can never set this header itself.
 */
export function markProtocol(req: IncomingMessage, trustProxy: boolean): void {
	const forwarded = req.headers['x-forwarded-proto'];
	const viaProxy = trustProxy && typeof forwarded === 'string' ? forwarded.split(',')[0]!.trim() : undefined;
	req.headers[PROTOCOL_HEADER] = req.socket instanceof TLSSocket ? 'https' : viaProxy === 'https' ? 'https' : 'http';
}

/** One HTTP server, one port: SvelteKit pages and API, Socket.IO at /socket.io, the Yjs route at /yjs/<docId>. */
export async function startServer({ config: overrides = {} }: { config?: Partial<Config> } = {}): Promise<RunningServer> {
	const config = loadConfig(process.env, overrides);
	const app = await createTessera(config);
	const kit = await loadKitHandler(config);

	const httpServer = createServer((req, res) => {
		markProtocol(req, config.trustProxy);
		(req as IncomingMessage & { tessera: Tessera }).tessera = app;
		kit(req, res);
	});
	const io = attachRealtime({ httpServer, app });
	const yjs = createYjsUpgrade({ app });
	httpServer.on('upgrade', (req, socket, head) => {
		if (yjs.handles(req)) return void yjs.handle(req, socket, head);
		if (!(req.url ?? '').startsWith('/socket.io/')) socket.destroy();
	});

	await new Promise<void>((resolve, reject) => {
		httpServer.once('error', reject);
		httpServer.listen(config.port, config.host, () => resolve());
	});
	const { port } = httpServer.address() as AddressInfo;
	const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
	app.logger.info({ url }, 'listening');

	return {
		url,
		port,
		app,
		httpServer,
		async close() {
			// Document sockets are upgraded connections the HTTP server would wait for: close them first, after
			// storing every update they sent.
			yjs.close();
			await app.docs.relay.close();
			// io.close() also closes the HTTP server; cutting keep-alive connections lets it finish now.
			const closing = io.close();
			httpServer.closeAllConnections();
			await closing;
			await app.close();
		}
	};
}
