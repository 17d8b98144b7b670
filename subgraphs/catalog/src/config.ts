import { eventsEnv } from "@campus/events";
import { booleanFlag, commonEnv, optionalUrlSetting, port, positiveInt, z } from "@campus/config";

export const catalogConfigSchema = z.object({
  ...commonEnv,
  ...eventsEnv,
  PORT: port(4002),
  HOST: z.string().default("127.0.0.1"),
  CATALOG_DATABASE_URL: optionalUrlSetting,
  /** How long a course read by id may be served from the shared cache; every write invalidates it sooner. */
  COURSE_CACHE_TTL_SECONDS: positiveInt(300),
  GRAPHQL_INLINE_TRACE: booleanFlag(false),
  GRAPHQL_INTROSPECTION: booleanFlag(true),
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;
