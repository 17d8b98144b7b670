import { GraphQLError } from "graphql";
import { createLogger } from "@campus/logging";
import { conflict, createErrorFormatter } from "./index";

/** What a client sees for each kind of failure: the code it may switch on, never internals. */
describe("the error formatter", () => {
  const format = createErrorFormatter(createLogger("errors-test", "silent"));
  const thrown = (original: Error) =>
    format(
      { message: original.message, path: ["checkout"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      new GraphQLError(original.message, { originalError: original, path: ["checkout"] }),
    );

  it("keeps a domain error's code and message", () => {
    const error = conflict("Sold out", { reason: "SOLD_OUT" });
    expect(format({ message: error.message, extensions: error.extensions }, error).extensions).toMatchObject({
      code: "CONFLICT",
      reason: "SOLD_OUT",
    });
  });

  it("answers SERVICE_UNAVAILABLE when the database is too busy or aborted the transaction (Prisma P2024, P2028, P2034), without its text", () => {
    for (const code of ["P2024", "P2028", "P2034"]) {
      const busy = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
        code,
      });
      const result = thrown(busy);
      expect(result.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
      expect(result.message).not.toMatch(/Transaction API|P20/);
    }
  });

  it("hides everything else behind INTERNAL", () => {
    const unknown = Object.assign(new Error('relation "Order" does not exist'), { code: "P2010" });
    expect(thrown(unknown)).toEqual({
      message: "Internal server error",
      path: ["checkout"],
      extensions: { code: "INTERNAL" },
    });
  });
});
