import { eventsEnv } from "@campus/events";
import { booleanFlag, commonEnv, optionalUrlSetting, port, positiveInt, z } from "@campus/config";

export const enrollmentConfigSchema = z.object({
  ...commonEnv,
  ...eventsEnv,
  PORT: port(4003),
  HOST: z.string().default("127.0.0.1"),
  ENROLLMENT_DATABASE_URL: optionalUrlSetting,
  /** The catalog subgraph, asked for course facts (status, price, capacity, modules). */
  CATALOG_URL: z.string().url().default("http://127.0.0.1:4002/graphql"),
  /** An enroll waits at most this long for catalog before failing. */
  CATALOG_TIMEOUT_MS: positiveInt(3000),
  GRAPHQL_INLINE_TRACE: booleanFlag(false),
  GRAPHQL_INTROSPECTION: booleanFlag(true),
});

export type EnrollmentConfig = z.infer<typeof enrollmentConfigSchema>;
