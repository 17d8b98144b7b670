import type { IncomingMessage } from "node:http";
import { ANONYMOUS, type PartnerDirectory, type PartnerRecord, type Viewer } from "@campus/auth";
import { badInput, unauthenticated } from "@campus/errors";

/** Query parameters a key must never travel in (URLs end up in proxies' and browsers' logs). */
const KEY_IN_URL = /^(x[-_]?)?api[-_]?key$/i;

export const API_KEY_HEADER = "x-api-key";

export interface Caller {
  viewer: Viewer;
  /** Set for a partner key: its record as identity published it (docs/partners.md). */
  partner?: PartnerRecord;
}

/**
 * Who calls: a partner (`x-api-key`), else whoever the bearer token says.
 * A partner key is looked up in the SharedStore on every request (one read:
 * the key's record carries the partner), so a suspension or the end of a
 * grace period holds on every router replica from the next request on.
 */
export class PartnerAuthentication {
  constructor(private readonly directory: PartnerDirectory) {}

  async callerFor(req: IncomingMessage, person: () => Promise<Viewer>): Promise<Caller> {
    const search = new URL(req.url ?? "/", "http://localhost").searchParams;
    // refused before anything could log the URL; the message never repeats the key
    if ([...search.keys()].some((name) => KEY_IN_URL.test(name))) {
      throw badInput(`An API key goes in the ${API_KEY_HEADER} header, never in the URL; treat this key as exposed`);
    }
    const header = req.headers[API_KEY_HEADER];
    if (header === undefined) return { viewer: await person() };
    if (req.headers.authorization) throw badInput(`Send either ${API_KEY_HEADER} or Authorization, not both`);
    const partner = await this.directory.authenticate(Array.isArray(header) ? (header[0] ?? "") : header);
    // unknown, suspended or past its grace: the caller is not told which
    if (!partner) throw unauthenticated("Invalid API key");
    return {
      viewer: {
        ...ANONYMOUS,
        clientIp: req.socket.remoteAddress ?? "unknown",
        partner: { id: partner.id, scopes: partner.scopes },
      },
      partner,
    };
  }
}
