import { reportStartFailure } from "@campus/config";
import { createLogger, type Logger } from "@campus/logging";

export interface RunningService {
  stop(): Promise<void>;
  /** Where shutdown is logged; a logger for the service name otherwise. */
  logger?: Logger;
}

/**
 * Runs a service process: `start` loads its configuration and starts it; a
 * bad setting ends the process with one line per variable (no stack), any
 * other start failure is logged. Then it runs until SIGTERM/SIGINT and stops
 * gracefully (the HTTP layer drains in-flight requests). A second signal
 * exits at once.
 */
export function runUntilSignalled(service: string, start: () => Promise<RunningService>): void {
  start()
    .then((running) => {
      const logger = running.logger ?? createLogger(service);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) process.exit(1);
        stopping = true;
        logger.info({ signal }, "shutting down");
        running
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
    .catch((error: unknown) =>
      reportStartFailure(service, error, (failure) => createLogger(service).fatal({ err: failure }, "failed to start")),
    );
}
