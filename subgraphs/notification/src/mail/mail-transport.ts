/**
 * Where emails go: one port, two adapters (SMTP in production, .eml files in
 * the embedded default), held to one contract (tests/contract/mail-transport.test.ts).
 * The sender loop (service/email-sender.ts) only sees this.
 */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface SentMail {
  /** The Message-ID the message went out with. */
  messageId: string;
  /** Where it went, for the log: the server, or the .eml file. */
  location: string;
}

export interface MailTransport {
  /** "smtp" or "sink". */
  readonly name: string;
  /**
   * Hands the message over. Throws MailBouncedError when the receiving side
   * refused the recipient for good (no retry helps), any other error when it
   * may work later (server down, refused for now).
   */
  send(message: MailMessage): Promise<SentMail>;
  close(): Promise<void>;
}

/** The recipient was refused permanently (an SMTP 5xx to RCPT TO): the delivery is BOUNCED, not retried. */
export class MailBouncedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MailBouncedError";
  }
}
