import { ConfigError } from './config';
import { DataDirInUseError } from './db/lock';
import { startServer } from './http/server';

// Wiring only: start the one process, stop it cleanly on a signal.
try {
	const server = await startServer();
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		server.app.logger.info({ signal }, 'shutting down');
		const force = setTimeout(() => process.exit(1), 10_000);
		force.unref();
		server.close().then(() => process.exit(0), () => process.exit(1));
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
} catch (e) {
	if (e instanceof ConfigError || e instanceof DataDirInUseError) {
		console.error(e.message);
		process.exit(78);
	}
	throw e;
}
