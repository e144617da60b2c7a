import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMail } from './smtp';

/** A tiny SMTP server on port 0 that records the conversation and answers like a real one. */
async function fakeSmtp({ refuseRecipient = false } = {}) {
	const commands: string[] = [];
	let data = '';
	const server = net.createServer((socket) => {
		let inData = false;
		let buffer = '';
		socket.write('220 fake ESMTP\r\n');
		socket.on('data', (chunk) => {
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
				if (line.startsWith('EHLO')) socket.write('250-fake\r\n250-AUTH PLAIN\r\n250 SIZE 1000000\r\n');
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
});
