import { KINDS, type NoticeText, type NotificationKind } from "./kinds";

export interface EmailTemplateOptions {
  productName: string;
  appUrl: string;
  /** The unsubscribe page for this user and kind; undefined for kinds that cannot be switched off. */
  unsubscribeUrl?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** APP_URL + a notice's path, with one slash between them. */
export const appLink = (appUrl: string, link: string) => `${appUrl.replace(/\/+$/, "")}${link}`;

/**
 * One email for one notice, as text and HTML with the same words: the
 * product's name, the notice, a link into the app, and (for kinds that can
 * be switched off) an unsubscribe link, also as List-Unsubscribe headers so
 * mail clients offer it (RFC 8058 one-click: a POST to the same URL).
 */
export function renderEmail(
  kind: NotificationKind,
  notice: NoticeText,
  recipientName: string,
  options: EmailTemplateOptions,
): RenderedEmail {
  const product = options.productName;
  const url = appLink(options.appUrl, notice.link);
  const locked = KINDS[kind].emailLocked;
  const why = locked
    ? `This is a security notice about your ${product} account; it is always sent.`
    : `You get this because of your ${product} notification settings.`;
  const text = [
    `Hi ${recipientName},`,
    "",
    notice.body,
    "",
    `Open in ${product}: ${url}`,
    "",
    "-- ",
    `${product}`,
    why,
    ...(options.unsubscribeUrl ? [`Unsubscribe from these emails: ${options.unsubscribeUrl}`] : []),
    "",
  ].join("\n");
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 36em">
<p style="font-weight: bold; color: #555">${escapeHtml(product)}</p>
<h1 style="font-size: 1.3em">${escapeHtml(notice.title)}</h1>
<p>Hi ${escapeHtml(recipientName)},</p>
<p>${escapeHtml(notice.body)}</p>
<p><a href="${escapeHtml(url)}" style="background: #2557d6; color: #fff; padding: .5em 1em; text-decoration: none; border-radius: 4px">Open in ${escapeHtml(product)}</a></p>
<hr>
<p style="font-size: .85em; color: #666">${escapeHtml(why)}${
    options.unsubscribeUrl ? ` <a href="${escapeHtml(options.unsubscribeUrl)}">Unsubscribe from these emails</a>.` : ""
  }</p>
</body></html>
`;
  const headers: Record<string, string> = { "X-Campus-Notification": kind };
  if (options.unsubscribeUrl) {
    headers["List-Unsubscribe"] = `<${options.unsubscribeUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return { subject: `[${product}] ${notice.title}`, text, html, headers };
}
