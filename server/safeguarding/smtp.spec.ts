import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { sendMail, smtpTls, SmtpTlsError } from './smtp';

/** A tiny SMTP server on port 0 that records the conversation and answers like a real one. */
async function fakeSmtp({ refuseRecipient = false, startTls = false } = {}) {
	const commands: string[] = [];
	let data = '';
	const server = net.createServer((socket) => {
		let inData = false;
		let upgrading = false;
		let buffer = '';
		socket.write('220 fake ESMTP\r\n');
		socket.on('data', (chunk) => {
			// After STARTTLS the client speaks TLS, which this server does not: it hangs up (the test only looks at
			// what was said in plain text before).
			if (upgrading) return void socket.destroy();
			buffer += chunk.toString('utf8');
			let i: number;
			while ((i = buffer.indexOf('\r\n')) !== -1) {
				const line = buffer.slice(0, i);
				buffer = buffer.slice(i + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						socket.write('250 queued\r\n');
					} else data += line + '\n';
					continue;
				}
				commands.push(line);
				if (line.startsWith('EHLO')) socket.write(`250-fake\r\n${startTls ? '250-STARTTLS\r\n' : ''}250-AUTH PLAIN\r\n250 SIZE 1000000\r\n`);
				else if (line === 'STARTTLS' && startTls) (upgrading = true), socket.write('220 go ahead\r\n');
				else if (line.startsWith('AUTH PLAIN')) socket.write('235 ok\r\n');
				else if (line.startsWith('MAIL FROM')) socket.write('250 ok\r\n');
				else if (line.startsWith('RCPT TO')) socket.write(refuseRecipient ? '550 no such user\r\n' : '250 ok\r\n');
				else if (line === 'DATA') (inData = true), socket.write('354 go ahead\r\n');
				else if (line === 'QUIT') socket.end('221 bye\r\n');
				else socket.write('502 unknown\r\n');
			}
		});
		socket.on('error', () => {});
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	return { port, commands, data: () => data, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('sendMail', () => {
	let close: (() => Promise<void>) | undefined;
	afterEach(() => close?.());

	it('speaks SMTP: authenticates, names sender and recipient, and sends a UTF-8 body intact', async () => {
		const smtp = await fakeSmtp();
		close = smtp.close;
		await sendMail({
			url: `smtp://user%40x:p%C3%A4ss@127.0.0.1:${smtp.port}`,
			from: 'Tessera <noreply@tessera.example>',
			to: 'guardian@example.org',
			subject: 'Lina ✓ consent',
			body: 'Hola, مرحبا\n.\nlink'
		});
		expect(smtp.commands[0]).toBe('EHLO tessera');
		expect(smtp.commands[1]).toBe(`AUTH PLAIN ${Buffer.from('\0user@x\0päss').toString('base64')}`);
		expect(smtp.commands).toContain('MAIL FROM:<noreply@tessera.example>');
		expect(smtp.commands).toContain('RCPT TO:<guardian@example.org>');
		const [headers, body] = smtp.data().split('\n\n');
		expect(headers).toContain(`Subject: =?UTF-8?B?${Buffer.from('Lina ✓ consent').toString('base64')}?=`);
		expect(Buffer.from(body!.replace(/\n/g, ''), 'base64').toString('utf8')).toBe('Hola, مرحبا\r\n.\r\nlink');
	});

	it('a refused recipient is an error that names the code, not the address', async () => {
		const smtp = await fakeSmtp({ refuseRecipient: true });
		close = smtp.close;
		const sent = sendMail({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'a@b.c', to: 'nobody@example.org', subject: 's', body: 'b' });
		await expect(sent).rejects.toThrow('SMTP server answered 550');
		await expect(sent).rejects.not.toThrow(/nobody/);
	});

	it('a server that does not offer STARTTLS is sent nothing: no credentials, no sender, no recipient', async () => {
		const smtp = await fakeSmtp();
		close = smtp.close;
		const sent = sendMail({ url: `smtp://user:secret@127.0.0.1:${smtp.port}?tls=required`, from: 'a@b.c', to: 'guardian@example.org', subject: 's', body: 'b' });
		await expect(sent).rejects.toThrow(SmtpTlsError);
		await expect(sent).rejects.toThrow(/does not offer STARTTLS/);
		await expect(sent).rejects.not.toThrow(/secret|guardian|127\.0\.0\.1/);
		expect(smtp.commands[0]).toBe('EHLO tessera');
		expect(smtp.commands.filter((c) => /^(?:AUTH|MAIL|RCPT|DATA)/.test(c))).toEqual([]);
	});

	it('when the server offers STARTTLS the upgrade comes before the credentials, and a failed upgrade sends nothing', async () => {
		const smtp = await fakeSmtp({ startTls: true });
		close = smtp.close;
		const sent = sendMail({ url: `smtp://user:secret@127.0.0.1:${smtp.port}?tls=required`, from: 'a@b.c', to: 'guardian@example.org', subject: 's', body: 'b' });
		await expect(sent).rejects.toThrow();
		expect(smtp.commands).toEqual(['EHLO tessera', 'STARTTLS']);
	});

	it('?tls=off is the explicit way to send in plain text', async () => {
		const smtp = await fakeSmtp({ startTls: true });
		close = smtp.close;
		await sendMail({ url: `smtp://user:secret@127.0.0.1:${smtp.port}?tls=off`, from: 'a@b.c', to: 'guardian@example.org', subject: 's', body: 'b' });
		expect(smtp.commands.slice(0, 2)).toEqual(['EHLO tessera', `AUTH PLAIN ${Buffer.from('\0user\0secret').toString('base64')}`]);
		expect(smtp.commands).not.toContain('STARTTLS');
	});
});

describe('smtpTls', () => {
	it('requires TLS unless the URL opts out or the relay is on this machine', () => {
		const mode = (url: string) => smtpTls(new URL(url));
		expect(mode('smtp://mail.example.org:587')).toBe('starttls');
		expect(mode('smtp://user:pass@10.0.0.5')).toBe('starttls');
		expect(mode('smtps://mail.example.org')).toBe('implicit');
		expect(mode('smtp://mail.example.org?tls=off')).toBe('off');
		expect(mode('smtp://127.0.0.1:25')).toBe('opportunistic');
		expect(mode('smtp://localhost')).toBe('opportunistic');
		expect(mode('smtp://[::1]:25')).toBe('opportunistic');
		expect(mode('smtp://127.0.0.1:25?tls=required')).toBe('starttls');
		// Look-alikes of loopback are not loopback.
		expect(mode('smtp://127.0.0.1.example.org')).toBe('starttls');
		expect(mode('smtp://localhost.example.org')).toBe('starttls');
		expect(mode('smtp://mail.example.org?tls=maybe')).toBe('tls_invalid');
		expect(mode('smtps://mail.example.org?tls=off')).toBe('tls_invalid');
	});

	it('an SMTP_URL that contradicts itself stops the start, without repeating the URL', () => {
		const load = () => loadConfig({ SMTP_URL: 'smtps://user:hunter22@mail.example.org?tls=off' });
		expect(load).toThrow(ConfigError);
		expect(load).toThrow(/SMTP_URL: tls must be/);
		expect(load).not.toThrow(/hunter22/);
		expect(loadConfig({ SMTP_URL: 'smtp://mail.example.org?tls=off' }).smtpUrl).toBe('smtp://mail.example.org?tls=off');
	});
});
