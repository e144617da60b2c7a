import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, serializeError } from './logger';

function capture() {
	const lines: string[] = [];
	const destination = new Writable({
		write(chunk, _enc, done) {
			lines.push(String(chunk));
			done();
		}
	});
	return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logging errors', () => {
	it('a failed query never logs its parameters (a bio, an email) nor PostgreSQL row details', () => {
		const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021', detail: 'Key (email)=(kid@example.org)' });
		const err = Object.assign(new Error('Failed query: update "profiles" set "bio" = $1\nparams: my secret diary,kid@example.org'), {
			name: 'DrizzleQueryError',
			params: ['my secret diary', 'kid@example.org'],
			query: 'update "profiles" set "bio" = $1',
			cause
		});
		const { lines, logger } = capture();
		logger.error({ err }, 'update failed');
		const text = lines.join('');
		expect(text).not.toContain('secret diary');
		expect(text).not.toContain('kid@example.org');
		expect(text).toContain('22021');
		expect(text).toContain('Failed query');
	});
	it('keeps what is needed to debug: type, message, code, stack', () => {
		const out = serializeError(Object.assign(new TypeError('boom'), { code: 'E_X' }));
		expect(out).toMatchObject({ type: 'TypeError', message: 'boom', code: 'E_X' });
		expect(String(out.stack)).toMatch(/at /);
	});
	it('passwords and tokens passed by mistake are redacted', () => {
		const { lines, logger } = capture();
		logger.info({ password: 'hunter2hunter2', user: { token: 'abc.def' } }, 'oops');
		expect(lines.join('')).not.toMatch(/hunter2|abc\.def/);
	});
});
