import path from "node:path";
import { AccessTokenRevocation, PartnerDirectory } from "@campus/auth";
import { configError, positiveInt, z } from "@campus/config";
import { defineSubgraph, type SubgraphContext } from "@campus/subgraph";
import { PrismaClient } from "./data/identity.prisma";
import { PartnerRepository } from "./data/partner.repository";
import { UserRepository } from "./data/user.repository";
import { AccountResolver, ViewerResolver } from "./graphql/account.resolver";
import { PartnerResolver } from "./graphql/partner.resolver";
import { identityCacheHints } from "./identity.cache-hints";
import { identityPermissions } from "./identity.permissions";
import { AccessTokenIssuer } from "./service/access-token.issuer";
import { AccountService } from "./service/account.service";
import { PartnerService } from "./service/partner.service";
import { PartnerSync } from "./service/partner.sync";
import { RefreshSessions } from "./service/refresh-session.repository";
import { loadSigningKeys } from "./service/signing-keys";

const SIGNING_KEYS_EXPECTED =
  "must be a JSON array of private Ed25519 JWKs, each with a kid (docs/operations.md shows how to make one)";

/** Checked at start, so a bad value stops the process naming the variable instead of failing on first use. */
const signingKeys = z
  .string()
  .optional()
  .superRefine((value, ctx) => {
    if (value === undefined) return;
    let keys: unknown;
    try {
      keys = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `${SIGNING_KEYS_EXPECTED}; it is not JSON` });
      return;
    }
    const isPrivateEd25519 = (key: unknown) => {
      const jwk = key as Record<string, unknown> | null;
      return (
        typeof jwk === "object" &&
        jwk !== null &&
        typeof jwk.kid === "string" &&
        jwk.kty === "OKP" &&
        jwk.crv === "Ed25519" &&
        typeof jwk.d === "string"
      );
    };
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPrivateEd25519)) {
      ctx.addIssue({ code: "custom", message: SIGNING_KEYS_EXPECTED });
    }
  });

/** Users, roles, partners (API keys, scopes, safelists, usage), register/login, refresh sessions with rotation and reuse detection, revocation, JWT signing and the JWKS. */
export const subgraph = defineSubgraph({
  name: "identity",
  settings: {
    JWT_ISSUER: z.string().default("campus-identity"),
    JWT_AUDIENCE: z.string().default("campus"),
    ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
    /**
     * JSON array of private Ed25519 JWKs, each with a `kid`. The first signs new
     * tokens; all are published in the JWKS so tokens signed by a retiring key
     * stay valid until they expire. Unset: a key pair is generated once and kept
     * under DATA_DIR (embedded runtime only).
     */
    JWT_SIGNING_KEYS: signingKeys,
    /** The first admin, created at start when the account does not exist yet; needs ADMIN_PASSWORD. */
    ADMIN_EMAIL: z.string().email("must be an email address").optional(),
    ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").optional(),
    LOGIN_MAX_FAILURES: positiveInt(5),
    LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(900),
    /** How long a partner's rotated-out key keeps working (docs/partners.md). */
    PARTNER_KEY_GRACE_SECONDS: positiveInt(24 * 3600),
    PARTNER_DEFAULT_REQUESTS_PER_MINUTE: positiveInt(600),
    /** A safelist upload's limits; keep the bytes under the router's MAX_BODY_BYTES. */
    PARTNER_MANIFEST_MAX_BYTES: positiveInt(90_000),
    PARTNER_MANIFEST_MAX_OPERATIONS: positiveInt(200),
    /** How often partner records are republished and the router's usage counters folded in. */
    PARTNER_SYNC_INTERVAL_SECONDS: positiveInt(60),
  },
  requiredInProduction: ["JWT_SIGNING_KEYS"],
  prisma: (adapter) => new PrismaClient({ adapter }),
  graphql: { resolvers: [AccountResolver, ViewerResolver, PartnerResolver], federation: ["@key", "@shareable"] },
  permissions: identityPermissions,
  cacheHints: identityCacheHints,

  async wire({ config, prisma, store, logger, work, dataDir }) {
    if (config.ADMIN_EMAIL && !config.ADMIN_PASSWORD)
      throw configError("ADMIN_PASSWORD", "required when ADMIN_EMAIL is set");
    const keys = await loadSigningKeys({
      configured: config.JWT_SIGNING_KEYS,
      keyFile: dataDir ? path.join(dataDir, "identity", "jwt-signing-keys.json") : undefined,
    });
    const users = new UserRepository(prisma);
    const tokens = new AccessTokenIssuer(keys, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    });
    const revocation = new AccessTokenRevocation(store);
    const accounts = new AccountService(
      users,
      work,
      tokens,
      new RefreshSessions(store, revocation, config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      revocation,
      store,
      { maxFailures: config.LOGIN_MAX_FAILURES, windowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000 },
      logger,
    );
    await accounts.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
    const partnerRows = new PartnerRepository(prisma);
    const directory = new PartnerDirectory(store);
    const partners = new PartnerService(partnerRows, work, directory, {
      keyGraceMs: config.PARTNER_KEY_GRACE_SECONDS * 1000,
      defaultRequestsPerMinute: config.PARTNER_DEFAULT_REQUESTS_PER_MINUTE,
      manifest: { maxBytes: config.PARTNER_MANIFEST_MAX_BYTES, maxOperations: config.PARTNER_MANIFEST_MAX_OPERATIONS },
    });
    const partnerSync = new PartnerSync(
      partnerRows,
      partners,
      directory,
      config.PARTNER_SYNC_INTERVAL_SECONDS * 1000,
      logger,
    );
    // before serving: the routers find every partner in the store even if it was flushed
    await partnerSync.run();
    return {
      resolvers: [new AccountResolver(accounts), new ViewerResolver(users), new PartnerResolver(partners, partnerRows)],
      background: [partnerSync],
      references: { User: (ref: { id: string }, ctx: SubgraphContext) => users.byId(ctx.loaders, ref.id) },
      services: { accounts, partners, partnerSync },
      routes: {
        "/.well-known/jwks.json": async () => ({
          status: 200,
          body: tokens.jwks(),
          headers: { "cache-control": "max-age=300" },
        }),
      },
    };
  },
});

export type IdentityServices = { accounts: AccountService; partners: PartnerService; partnerSync: PartnerSync };
