import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another live process already has the embedded database open. */
export class DataDirInUseError extends Error {
	override name = 'DataDirInUseError';
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		// EPERM: the process exists but belongs to someone else.
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Claims the embedded database's folder for this process: PGlite is one connection, and two processes on the
 * same files would corrupt them. A lock left behind by a process that died (kill -9, power loss) is taken
 * over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
	const file = join(dataDir, 'tessera.pid');
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const fd = openSync(file, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			return () => {
				if (released) return;
				released = true;
				rmSync(file, { force: true });
			};
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		let holder = NaN;
		try {
			holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
		} catch {
			// Removed in between: try again.
		}
		if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
			throw new DataDirInUseError(
				`Another Tessera process (pid ${holder}) is using the embedded database in ${dataDir}. The embedded database serves one process: stop the other one, or run several processes on PostgreSQL (DATABASE_URL) with Redis (REDIS_URL).`
			);
		}
		rmSync(file, { force: true });
	}
	throw new DataDirInUseError(`Could not claim the embedded database in ${dataDir}: another process keeps taking it.`);
}
