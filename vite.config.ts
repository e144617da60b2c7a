import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { tesseraDevServer } from './server/dev-server';

export default defineConfig({
	plugins: [
		tailwindcss(),
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// The signed-in user's profile language wins; then the language they picked; then the browser's.
			strategy: ['custom-profile', 'cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		tesseraDevServer()
	]
});
