import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test server accepted: the envelope and the parsed MIME message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  mail: ParsedMail;
  raw: string;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`, for `config.smtpUrl`. */
  url: string;
  received: ReceivedMail[];
  /** Refuses the next `count` messages at the end of DATA with `code` (451: try again later). */
  failNext(count: number, code?: number): void;
  /** How many deliveries were refused so far. */
  refused: number;
  /** Resolves once `count` messages have been accepted in total. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

/**
 * A real SMTP server in the test process, on a free port of 127.0.0.1: the sender talks SMTP
 * to it exactly as to a production relay. Plain text only (no STARTTLS) and no authentication.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  let failures: { count: number; code: number } = { count: 0, code: 451 };
  const waiters: { count: number; resolve: () => void }[] = [];
  const state: Pick<TestSmtpServer, 'received' | 'refused'> = { received: [], refused: 0 };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures.count > 0) {
          failures.count -= 1;
          state.refused += 1;
          callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: failures.code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((mail) => {
            state.received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              mail,
              raw,
            });
            for (const waiter of waiters.filter((w) => state.received.length >= w.count)) waiter.resolve();
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    get refused() {
      return state.refused;
    },
    failNext(count, code = 451) {
      failures = { count, code };
    },
    waitFor(count, timeoutMs = 30_000) {
      if (state.received.length >= count) return Promise.resolve(state.received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} messages, received ${state.received.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(state.received);
          },
        });
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
