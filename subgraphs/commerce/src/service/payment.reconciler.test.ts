import { MemoryStore } from "@campus/kv";
import { createLogger } from "@campus/logging";
import type { OrderRepository } from "../data/order.repository";
import { PaymentReconciler } from "./payment.reconciler";
import type { PaymentService } from "./payment.service";
import type { RefundService } from "./refund.service";

/** The sweep's rules, with its collaborators as plain fakes: which items it visits and what one failure does. */
function reconcilerWith(failing: string) {
  const visited: string[] = [];
  const visit = async (id: string) => {
    visited.push(id);
    if (id === failing) throw new Error(`${id} keeps failing`);
  };
  const orders = {
    unansweredPayments: async () => [{ id: "payment-1" }, { id: "payment-2" }],
    expiredHolds: async () => [{ id: "order-1" }, { id: "order-2" }],
    pendingRefunds: async () => [{ id: "refund-1" }, { id: "refund-2" }],
  } as unknown as OrderRepository;
  const payments = {
    reconcile: (payment: { id: string }) => visit(payment.id),
    expire: (orderId: string) => visit(orderId),
  } as unknown as PaymentService;
  const refunds = { submit: (id: string) => visit(id) } as unknown as RefundService;
  const store = new MemoryStore();
  const reconciler = new PaymentReconciler(
    orders,
    payments,
    refunds,
    store,
    { intervalMs: 1000, staleAfterMs: 1000 },
    createLogger("reconciler-test", "silent"),
  );
  return { reconciler, visited, store };
}

describe("the payment reconciler's sweep", () => {
  it.each(["payment-1", "order-1", "refund-1"])("goes on past an item that fails (%s)", async (failing) => {
    const { reconciler, visited } = reconcilerWith(failing);
    expect(await reconciler.sweep()).toEqual({ payments: 2, expired: 2, refunds: 2 });
    expect(visited).toEqual(["payment-1", "payment-2", "order-1", "order-2", "refund-1", "refund-2"]);
  });

  it("skips a sweep while another replica holds the lease, and releases its own", async () => {
    const { reconciler, visited, store } = reconcilerWith("none");
    await store.set("commerce:payment-reconciler", "another replica", 30_000);
    expect(await reconciler.sweep()).toEqual({ payments: 0, expired: 0, refunds: 0 });
    expect(visited).toEqual([]);
    await store.set("commerce:payment-reconciler", "released", 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await reconciler.sweep()).payments).toBe(2);
    // released with a 1 ms lifetime, not left to run out its 30 s
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await reconciler.sweep()).payments).toBe(2);
  });
});
