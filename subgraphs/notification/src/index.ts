export { subgraph, type NotificationServices } from "./notification.subgraph";
export type * from "./mail/mail-transport";
export { MailBouncedError } from "./mail/mail-transport";
export { SmtpMailTransport } from "./mail/smtp.mail-transport";
export { SinkMailTransport } from "./mail/sink.mail-transport";
export { EmailSender } from "./service/email-sender";
