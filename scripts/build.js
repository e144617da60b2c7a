// Builds the SvelteKit app (build/handler.js) and bundles the server entry (build/server.js).
import { build as esbuild } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';

const vite = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (vite.status !== 0) process.exit(vite.status ?? 1);

/**
 * A server-side entry bundled for Node, its packages left to node_modules.
 * @param {string} entry
 * @param {string} outfile
 */
const bundle = (entry, outfile) =>
	esbuild({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' });

await bundle('server/index.ts', 'build/server.js');
// PNG and PDF downloads are made on their own thread (server/exhibitions/renderer.ts), from this file.
await bundle('server/exhibitions/render-worker.ts', 'build/render-worker.js');
// The embedded database's thread runs this file beside build/server.js (server/db/pglite-thread.ts).
copyFileSync('server/db/pglite-worker.mjs', 'build/pglite-worker.mjs');
writeFileSync('build/.stamp', new Date().toISOString());
