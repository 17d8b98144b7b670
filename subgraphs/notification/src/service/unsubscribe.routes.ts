import type { IncomingMessage } from "node:http";
import type { Route, RouteResult, WebhookRoute } from "@campus/http";
import type { Logger } from "@campus/logging";
import type { NotificationRepository } from "../data/notification.repository";
import { KINDS } from "./kinds";
import type { UnsubscribeTokens } from "./unsubscribe-token";

const page = (status: number, product: string, title: string, body: string): RouteResult => ({
  status,
  headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  raw: `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto"><p style="color: #555">${product}</p><h1>${title}</h1>${body}</body></html>\n`,
});

const tokenOf = (req: IncomingMessage, rawBody = "") =>
  new URL(req.url ?? "/", "http://localhost").searchParams.get("token") ?? new URLSearchParams(rawBody).get("token");

/**
 * The unsubscribe link of every non-security email, on notification's own
 * HTTP server (no sign-in: the signed token is the proof). GET shows a page
 * with one button, so a mail scanner that follows links changes nothing; the
 * button, and mail clients' one-click unsubscribe (RFC 8058), POST to the
 * same URL, which turns that kind's email off.
 */
export function unsubscribeRoutes(
  tokens: UnsubscribeTokens,
  notifications: NotificationRepository,
  productName: string,
  logger: Logger,
): { page: Route; confirm: WebhookRoute } {
  const invalid = () =>
    page(
      400,
      productName,
      "This link does not work",
      "<p>The unsubscribe link is incomplete or was not issued by us.</p>",
    );
  return {
    async page(req) {
      const token = tokenOf(req);
      const target = token ? tokens.verify(token) : undefined;
      if (!target) return invalid();
      return page(
        200,
        productName,
        "Unsubscribe",
        `<p>Stop emails of this kind (${target.kind.toLowerCase().replace(/_/g, " ")})? You still see them in the app.</p>
<form method="post"><input type="hidden" name="token" value="${token}"><button type="submit">Unsubscribe</button></form>`,
      );
    },
    async confirm(req, rawBody) {
      const token = tokenOf(req, rawBody);
      const target = token ? tokens.verify(token) : undefined;
      if (!target) return invalid();
      await notifications.unsubscribe(target.userId, target.kind, KINDS[target.kind].defaults.inApp);
      logger.info({ userId: target.userId, kind: target.kind }, "unsubscribed from emails");
      return page(200, productName, "Unsubscribed", "<p>You will not get these emails any more.</p>");
    },
  };
}
