// `npm start`: build if the build is missing or older than the sources, then run the one-process server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SOURCES = ['src', 'server', 'messages', 'static', 'project.inlang', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** @param {string} path @returns {number} */
function newest(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return st.mtimeMs;
	let max = st.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'paraglide' || entry === 'node_modules') continue;
		max = Math.max(max, newest(join(path, entry)));
	}
	return max;
}

const stamp = 'build/.stamp';
const stale = !existsSync(stamp) || !existsSync('build/server.js') || Math.max(...SOURCES.map(newest)) > statSync(stamp).mtimeMs;
if (stale) {
	console.log('Building Tessera (first start or sources changed)…');
	const r = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(pathToFileURL(resolve('build/server.js')).href);
