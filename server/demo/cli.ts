import { ConfigError, loadConfig } from '../config';
import { DataDirInUseError } from '../db/lock';
import { SeedRefusedError, describeTarget, seedDemo } from './index';

const USAGE = `Usage: npm run seed:demo [-- --reset]

Fills the configured database (DATA_DIR, or DATABASE_URL) with a demo program: about sixty participants in nine
countries, mentorships, collectives, chats, works, survey answers and moderation records.
Refuses when the database already has users; --reset deletes everything in it first (only a database that holds nothing but demo accounts).`;

/** `npm run seed:demo`: prints only counts and the demo staff's credentials. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
	const unknown = argv.filter((a) => a !== '--reset' && a !== '--help' && a !== '-h');
	if (argv.includes('--help') || argv.includes('-h') || unknown.length > 0) {
		if (unknown.length > 0) console.error(`Unknown option: ${unknown.join(' ')}\n`);
		console.log(USAGE);
		return unknown.length > 0 ? 2 : 0;
	}
	const reset = argv.includes('--reset');
	try {
		const config = loadConfig(process.env, { logLevel: 'silent' });
		console.log(`Seeding the demo program into ${describeTarget(config)}…`);
		const started = performance.now();
		const result = await seedDemo({ config, reset, say: (line) => console.log(line) });
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		console.log(`\nDone in ${seconds} s:`);
		for (const [name, n] of Object.entries(result.counts)) console.log(`  ${name.padEnd(22)} ${n}`);
		console.log(`\nSign in (npm start, then http://localhost:${config.port}/) with this password, shown only now:`);
		console.log(`  program lead (admin)  ${result.admin.email}`);
		console.log(`  moderator             ${result.moderator.email}`);
		console.log(`  password              ${result.password}`);
		console.log('Every demo participant has the same password; the admin’s user list shows their e-mail addresses.');
		return 0;
	} catch (e) {
		if (e instanceof SeedRefusedError || e instanceof DataDirInUseError || e instanceof ConfigError) {
			console.error(e.message);
			return 1;
		}
		console.error('Seeding failed; nothing was changed (the seed runs in one transaction).');
		console.error(e);
		return 1;
	}
}
