import { positiveInt } from "@campus/config";

/** Analytics' own settings (docs/analytics.md). */
export const analyticsSettings = {
  /** The longest report range, in days (two years by default); a longer one is BAD_USER_INPUT. */
  ANALYTICS_MAX_RANGE_DAYS: positiveInt(732),
};
