import path from "node:path";
import type { Logger } from "@campus/logging";
import type { MailTransport } from "./mail-transport";
import { SinkMailTransport } from "./sink.mail-transport";
import { SmtpMailTransport } from "./smtp.mail-transport";

/** SMTP when SMTP_URL is set; otherwise the .eml sink under DATA_DIR/mail (a scratch directory without one). */
export function openMailTransport(
  settings: { SMTP_URL?: string },
  options: { dataDir?: string; scratchDir: string; logger: Logger },
): MailTransport {
  if (settings.SMTP_URL) {
    const transport = new SmtpMailTransport(settings.SMTP_URL);
    options.logger.info({ transport: "smtp" }, "emails go through SMTP");
    return transport;
  }
  const dir = options.dataDir ? path.join(options.dataDir, "mail") : path.join(options.scratchDir, "mail");
  options.logger.info({ transport: "sink", dir }, `emails are kept as .eml files in ${dir}`);
  return new SinkMailTransport(dir);
}
