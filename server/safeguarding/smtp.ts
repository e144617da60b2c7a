import { randomUUID } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { smtpTls } from './smtp-tls';

export { smtpTls, type SmtpTls } from './smtp-tls';

/** Thrown when mail would go out without the TLS its URL asks for; the message names no host, user or address. */
export class SmtpTlsError extends Error {
	override name = 'SmtpTlsError';
}

/**
 * A minimal SMTP client (RFC 5321): smtps:// for implicit TLS, smtp:// with STARTTLS required (see `smtpTls` for
 * the two ways out), AUTH PLAIN when the URL carries a user. Credentials and mail are never sent before TLS is up
 * when TLS is asked for. One message per connection; enough for a handful of consent mails, without a dependency.
 */
export async function sendMail({
	url,
	from,
	to,
	subject,
	body,
	timeoutMs = 15_000
}: {
	url: string;
	from: string;
	to: string;
	subject: string;
	body: string;
	timeoutMs?: number;
}): Promise<void> {
	const u = new URL(url);
	const mode = smtpTls(u);
	if (mode === 'tls_invalid') throw new SmtpTlsError('SMTP URL: tls must be "off" or "required", and smtps:// cannot be "off"');
	const implicitTls = mode === 'implicit';
	const host = u.hostname;
	const port = Number(u.port) || (implicitTls ? 465 : 587);
	let socket: net.Socket = implicitTls ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
	const conn = lineReader(socket);
	const deadline = setTimeout(() => socket.destroy(new Error('SMTP timeout')), timeoutMs);
	try {
		await conn.expect(220);
		let ehlo = await command(conn, socket, 'EHLO tessera', 250);
		const offersStartTls = /^STARTTLS$/im.test(ehlo.join('\n').replace(/^\d{3}[ -]/gm, ''));
		if (mode === 'starttls' && !offersStartTls) {
			socket.write('QUIT\r\n');
			throw new SmtpTlsError('SMTP server does not offer STARTTLS: nothing was sent. Use smtps://, a server with STARTTLS, or ?tls=off to send in plain text');
		}
		if ((mode === 'starttls' || mode === 'opportunistic') && offersStartTls) {
			await command(conn, socket, 'STARTTLS', 220);
			conn.detach();
			socket = tls.connect({ socket, servername: host });
			const secured = lineReader(socket);
			Object.assign(conn, secured);
			ehlo = await command(conn, socket, 'EHLO tessera', 250);
		}
		if (u.username) {
			const plain = Buffer.from(`\0${decodeURIComponent(u.username)}\0${decodeURIComponent(u.password)}`).toString('base64');
			await command(conn, socket, `AUTH PLAIN ${plain}`, 235);
		}
		await command(conn, socket, `MAIL FROM:<${address(from)}>`, 250);
		await command(conn, socket, `RCPT TO:<${address(to)}>`, [250, 251]);
		await command(conn, socket, 'DATA', 354);
		socket.write(message({ from, to, subject, body }));
		await conn.expect(250);
		socket.write('QUIT\r\n');
	} finally {
		clearTimeout(deadline);
		socket.end();
	}
}

/** Only the address of a `Name <address>` form; CR and LF never reach the wire. */
function address(s: string): string {
	const m = /<([^>]+)>/.exec(s);
	return (m ? m[1]! : s).replace(/[\r\n<>]/g, '').trim();
}

function encodeHeader(s: string): string {
	return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
}

/** Headers plus a base64 body: no line of it can be a lone '.', and any script travels intact. */
export function message({ from, to, subject, body }: { from: string; to: string; subject: string; body: string }): string {
	const b64 = Buffer.from(body.replace(/\r?\n/g, '\r\n')).toString('base64').replace(/.{1,76}/g, '$&\r\n');
	return [
		`From: ${from.replace(/[\r\n]/g, '')}`,
		`To: <${address(to)}>`,
		`Subject: ${encodeHeader(subject.replace(/[\r\n]/g, ' '))}`,
		`Date: ${new Date().toUTCString()}`,
		`Message-ID: <${randomUUID()}@tessera>`,
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: base64',
		'',
		b64 + '.\r\n'
	].join('\r\n');
}

async function command(conn: LineReader, socket: net.Socket, line: string, expected: number | number[]): Promise<string[]> {
	socket.write(`${line}\r\n`);
	return conn.expect(expected);
}

interface LineReader {
	/** Waits for one (possibly multi-line) reply and checks its code. */
	expect(code: number | number[]): Promise<string[]>;
	detach(): void;
}

function lineReader(socket: net.Socket): LineReader {
	let buffer = '';
	let lines: string[] = [];
	const replies: string[][] = [];
	const waiting: { resolve: (r: string[]) => void; reject: (e: Error) => void }[] = [];
	let failure: Error | null = null;

	const onData = (chunk: Buffer) => {
		buffer += chunk.toString('utf8');
		let i: number;
		while ((i = buffer.indexOf('\n')) !== -1) {
			const line = buffer.slice(0, i).replace(/\r$/, '');
			buffer = buffer.slice(i + 1);
			lines.push(line);
			if (/^\d{3}(?: |$)/.test(line)) {
				const reply = lines;
				lines = [];
				const w = waiting.shift();
				if (w) w.resolve(reply);
				else replies.push(reply);
			}
		}
	};
	const onEnd = (err?: Error) => {
		failure = err ?? new Error('SMTP connection closed');
		for (const w of waiting.splice(0)) w.reject(failure);
	};
	const onError = (err: Error) => onEnd(err);
	const onClose = () => onEnd();
	socket.on('data', onData);
	socket.on('error', onError);
	socket.on('close', onClose);

	return {
		async expect(code) {
			const codes = Array.isArray(code) ? code : [code];
			const reply =
				replies.shift() ??
				(await new Promise<string[]>((resolve, reject) => {
					if (failure) return reject(failure);
					waiting.push({ resolve, reject });
				}));
			const got = Number(reply[reply.length - 1]!.slice(0, 3));
			if (!codes.includes(got)) throw new Error(`SMTP server answered ${got}`);
			return reply;
		},
		detach() {
			socket.off('data', onData);
			socket.off('error', onError);
			socket.off('close', onClose);
		}
	};
}
