import type { Logger } from "@campus/logging";

/**
 * Runs a service until SIGTERM/SIGINT, then stops it gracefully (the HTTP
 * layer drains in-flight requests). A second signal exits at once.
 */
export function runUntilSignalled(logger: Logger, start: () => Promise<{ stop(): Promise<void> }>): void {
  start()
    .then((service) => {
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        logger.info({ signal }, "shutting down");
        service
          .stop()
          .then(() => process.exit(0))
          .catch((error) => {
            logger.error({ err: error }, "shutdown failed");
            process.exit(1);
          });
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    })
    .catch((error) => {
      logger.fatal({ err: error }, "failed to start");
      process.exit(1);
    });
}
