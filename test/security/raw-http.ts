import { connect } from 'node:net';

/** A response read off the wire. */
export interface RawReply {
  status: number;
  headers: string[];
  body: string;
}

/**
 * Sends bytes as they are over a fresh TCP connection and reads the response. Node's HTTP client
 * refuses CR/LF, non-Latin-1 bytes and duplicate Cookie headers; an attacker's client does not, so
 * the fuzz tests use this.
 */
export function sendRaw(port: number, request: Buffer, timeoutMs = 10000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no response within the time limit'));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      // A reset after a complete response is normal when the server closes first.
      if (chunks.length) resolve(parse(Buffer.concat(chunks)));
      else reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks)));
    });
    // No half-close: Node drops a half-closed connection whose handler is still waiting on a store.
    // `Connection: close` makes the server end it once it has answered.
    socket.write(request);
  });
}

/** A GET with the given header lines, verbatim, closing the connection after the response. */
export function rawGet(path: string, headerLines: Buffer[]): Buffer {
  const crlf = Buffer.from('\r\n');
  const parts: Buffer[] = [Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`)];
  for (const line of headerLines) parts.push(line, crlf);
  parts.push(crlf);
  return Buffer.concat(parts);
}

function parse(raw: Buffer): RawReply {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end >= 0 ? text.slice(0, end) : text;
  const [statusLine, ...headers] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  let body = end >= 0 ? text.slice(end + 4) : '';
  if (headers.some((h) => /^transfer-encoding:\s*chunked/i.test(h))) body = unchunk(body);
  return { status, headers, body };
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}
