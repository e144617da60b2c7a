// `npm run bench [-- name]`: runs the benchmarks in bench/*.bench.ts through Vitest's runner (TypeScript,
// same module graph as the tests) and rewrites bench/RESULTS.md from their output. Needs a build (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('build/handler.js')) {
	const b = spawnSync(process.execPath, ['scripts/build.js'], { stdio: 'inherit' });
	if (b.status !== 0) process.exit(b.status ?? 1);
}
const filter = process.argv[2];
const args = ['node_modules/vitest/vitest.mjs', 'run', '--project', 'bench', ...(filter ? [filter] : [])];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, TESSERA_BENCH: '1' } });
process.exit(r.status ?? 1);
