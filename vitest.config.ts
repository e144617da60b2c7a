import { defineConfig } from 'vitest/config';

const alias = { $lib: new URL('./src/lib', import.meta.url).pathname, $server: new URL('./server', import.meta.url).pathname };

// Three projects: fast unit specs beside the code, integration tests against a real server on port 0,
// and browser tests in Debian's Chromium. `npm test` builds first, since the last two serve the built app.
export default defineConfig({
	test: {
		projects: [
			{
				resolve: { alias },
				test: {
					name: 'unit',
					include: ['server/**/*.spec.ts', 'src/**/*.spec.ts'],
					environment: 'node',
					// *.test-d.ts files prove that wrong event names and payloads do not compile.
					typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'server/**/*.test-d.ts'], tsconfig: './tsconfig.json' }
				}
			},
			{
				resolve: { alias },
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				resolve: { alias },
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					testTimeout: 120_000,
					hookTimeout: 120_000,
					fileParallelism: false
				}
			},
			// Only with `npm run bench`: timings belong in bench/RESULTS.md, never in test assertions.
			...(process.env.TESSERA_BENCH
				? [{ resolve: { alias }, test: { name: 'bench', include: ['bench/**/*.bench.ts'], environment: 'node', fileParallelism: false } }]
				: [])
		]
	}
});
