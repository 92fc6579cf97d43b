import { createServer, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';
import { type Databases, runCommand } from './mongo-wire/commands';

/**
 * A MongoDB wire-protocol server for the Mongo store's tests, in this process, on a loopback
 * port. No real mongod (nor FerretDB, nor any wire-compatible server) installs from the npm or
 * Debian registries here, so the suite talks to this one through the official `mongodb` driver:
 * the driver's handshake, command encoding, cursors and error handling are the real ones; the
 * query and update semantics are mingo's (an independent implementation of MongoDB's query
 * language); the server-side checks that matter to a session store are mongod's (see
 * `mongo-wire/collection.ts`). What it does not reproduce: see docs/stores/mongodb.md.
 *
 * Speaks OP_MSG (with document sequences and checksums) and, for the driver's first handshake,
 * OP_QUERY / OP_REPLY. Standalone only: no replica set, sessions, transactions or auth.
 */
export interface MongoTestServerOptions {
  /** Port to listen on (127.0.0.1); 0 picks a free one. @default 0 */
  port?: number;
  /** Period of the TTL monitor: mongod runs it every 60 seconds. @default 60000 */
  ttlMonitorIntervalMs?: number;
}

export interface MongoTestServer {
  /** `mongodb://127.0.0.1:<port>` */
  url: string;
  port: number;
  databases: Databases;
  /** Stops listening and drops every connection (data is kept, as on a restarted mongod). */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  start(): Promise<void>;
  /** Stops for good: {@link stop} and the TTL monitor. */
  close(): Promise<void>;
}

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;

export async function startMongoServer(options: MongoTestServerOptions = {}): Promise<MongoTestServer> {
  const databases: Databases = new Map();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = options.port ?? 0;

  const monitor = setInterval(() => {
    for (const collections of databases.values()) for (const collection of collections.values()) collection.expire();
  }, options.ttlMonitorIntervalMs ?? 60000);
  monitor.unref();

  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((socket) => serve(socket, databases, sockets));
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) {
        resolve();
        return;
      }
      server.close(() => resolve());
      server = undefined;
    });

  await start();
  return {
    get url() {
      return `mongodb://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    databases,
    start,
    stop,
    close: async () => {
      clearInterval(monitor);
      await stop();
    },
  };
}

function serve(socket: Socket, databases: Databases, sockets: Set<Socket>): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
      const message = buffer.subarray(0, buffer.readInt32LE(0));
      buffer = buffer.subarray(message.length);
      const reply = answer(message, databases);
      if (reply) socket.write(reply);
      else if (reply === null) socket.destroy();
    }
  });
}

/** The reply to one message; `undefined` when the client asked for none, `null` to hang up. */
function answer(message: Buffer, databases: Databases): Buffer | undefined | null {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_MSG) {
    const flags = message.readUInt32LE(16);
    const body = readSections(message, 20, message.length - (flags & CHECKSUM_PRESENT ? 4 : 0));
    const reply = runCommand(databases, body);
    if (flags & MORE_TO_COME) return undefined;
    const doc = Buffer.from(BSON.serialize(reply));
    return frame(requestId, OP_MSG, Buffer.concat([Buffer.alloc(4), Buffer.from([0]), doc]));
  }
  if (opCode === OP_QUERY) {
    const nameEnd = message.indexOf(0, 20);
    const namespace = message.toString('utf8', 20, nameEnd);
    const queryAt = nameEnd + 1 + 8;
    let query = BSON.deserialize(message.subarray(queryAt, queryAt + message.readInt32LE(queryAt)));
    if (query.$query) query = query.$query as Document;
    const reply = runCommand(databases, { ...query, $db: namespace.split('.')[0] });
    const head = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
    head.writeInt32LE(1, 16);
    return frame(requestId, OP_REPLY, Buffer.concat([head, Buffer.from(BSON.serialize(reply))]));
  }
  return null;
}

/** The command body of an OP_MSG: its kind-0 section, with kind-1 document sequences merged in. */
function readSections(message: Buffer, offset: number, end: number): Document {
  let body: Document = {};
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message[offset++];
    const size = message.readInt32LE(offset);
    if (kind === 0) {
      body = BSON.deserialize(message.subarray(offset, offset + size));
    } else {
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const docs: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd; at += message.readInt32LE(at)) docs.push(BSON.deserialize(message.subarray(at, at + message.readInt32LE(at))));
      sequences[message.toString('utf8', offset + 4, nameEnd)] = docs;
    }
    offset += size;
  }
  return { ...body, ...sequences };
}

let nextRequestId = 1;

function frame(responseTo: number, opCode: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}
