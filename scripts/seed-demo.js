// `npm run seed:demo`: bundles the seed (server/demo, TypeScript) the way scripts/build.js bundles the server, then runs it.
import { build as esbuild } from 'esbuild';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const outfile = resolve('build/seed-demo.mjs');
await esbuild({
	entryPoints: ['server/demo/cli.ts'],
	outfile,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	logLevel: 'warning'
});
/** @type {{ main(argv: string[]): Promise<number> }} */
const seed = await import(pathToFileURL(outfile).href);
process.exitCode = await seed.main(process.argv.slice(2));
