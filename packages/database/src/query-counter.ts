import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

/** Counts SQL statements Prisma sends, so tests can prove batching works. */
export interface QueryCounter {
  readonly total: number;
  reset(): void;
}

const COUNTED = new Set(["queryRaw", "executeRaw"]);

function countMethods<T extends object>(target: T, onQuery: () => void): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      if (COUNTED.has(String(property))) {
        return (...args: unknown[]) => {
          onQuery();
          return value.apply(object, args);
        };
      }
      if (property === "startTransaction") {
        return async (...args: unknown[]) => countMethods(await value.apply(object, args), onQuery);
      }
      return value.bind(object);
    },
  });
}

export function countQueries(factory: SqlDriverAdapterFactory): {
  factory: SqlDriverAdapterFactory;
  counter: QueryCounter;
} {
  let total = 0;
  const counter: QueryCounter = {
    get total() {
      return total;
    },
    reset() {
      total = 0;
    },
  };
  const onQuery = () => {
    total += 1;
  };
  const wrapped = new Proxy(factory, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (property === "connect" && typeof value === "function") {
        return async () => countMethods(await value.apply(object), onQuery);
      }
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
  return { factory: wrapped, counter };
}
