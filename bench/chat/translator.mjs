// A stand-in LibreTranslate for the chat benchmark, in a worker thread of its own so that it takes no time
// from the server under test. It speaks the documented API (POST /translate with a `q` array, GET /languages),
// answers after a fixed delay, as a real translator on the network would, and counts what it was asked.
import { createServer } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const LANGS = ['en', 'es', 'fr', 'pt', 'ar'];
const delayMs = workerData?.delayMs ?? 30;
let counts = { requests: 0, texts: 0 };

const server = createServer((req, res) => {
	const send = (status, body) => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	};
	if (req.method === 'GET' && req.url?.startsWith('/languages')) {
		return send(200, LANGS.map((code) => ({ code, name: code, targets: LANGS.filter((t) => t !== code) })));
	}
	if (req.method !== 'POST' || !req.url?.startsWith('/translate')) return send(404, { error: 'Not Found' });
	let body = '';
	req.on('data', (c) => (body += c));
	req.on('end', () => {
		let parsed;
		try {
			parsed = JSON.parse(body);
		} catch {
			return send(400, { error: 'Invalid request' });
		}
		const q = Array.isArray(parsed.q) ? parsed.q : [parsed.q];
		counts.requests += 1;
		counts.texts += q.length;
		const translatedText = q.map((t) => `[${parsed.target}] ${t}`);
		setTimeout(() => send(200, { translatedText: Array.isArray(parsed.q) ? translatedText : translatedText[0] }), delayMs);
	});
});

server.listen(0, '127.0.0.1', () => parentPort.postMessage({ ready: true, url: `http://127.0.0.1:${server.address().port}` }));
parentPort.on('message', ({ id, op }) => {
	if (op === 'stats') parentPort.postMessage({ id, result: { ...counts } });
	if (op === 'reset') {
		counts = { requests: 0, texts: 0 };
		parentPort.postMessage({ id, result: true });
	}
});
