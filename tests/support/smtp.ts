import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO). */
  rcptTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** Connections or recipients the server turned away (the refusing modes). */
  readonly refusals: number;
  /** What it refuses from now on (undefined: nothing); see startSmtpServer. */
  refuse: "connect" | "recipient" | undefined;
  close(): Promise<void>;
}

/**
 * A real SMTP server from npm (`smtp-server`) on a free port, keeping what it
 * receives parsed (`mailparser`), for the mail transport's contract suite and
 * the e2e tests. `refuse`: "connect" answers every connection with 421 (a
 * server that is there but will not take mail: retried); "recipient" refuses
 * every RCPT TO with 550 (a bounce).
 */
export async function startSmtpServer(options: { refuse?: "connect" | "recipient" } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const state = { refusals: 0, refuse: options.refuse };
  const refusal = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });
  const config: SMTPServerOptions = {
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect(_session, callback) {
      if (state.refuse !== "connect") return callback();
      state.refusals += 1;
      return callback(refusal(421, "Service not available, try later"));
    },
    onRcptTo(_address, _session, callback) {
      if (state.refuse !== "recipient") return callback();
      state.refusals += 1;
      return callback(refusal(550, "No such user here"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            received.push({ rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed });
            callback();
          })
          .catch(callback);
      });
    },
  };
  const server = new SMTPServer(config);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get refusals() {
      return state.refusals;
    },
    get refuse() {
      return state.refuse;
    },
    set refuse(mode) {
      state.refuse = mode;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
