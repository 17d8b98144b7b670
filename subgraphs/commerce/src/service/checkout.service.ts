import { randomUUID } from "node:crypto";
import type { Viewer } from "@campus/auth";
import type { CatalogClient, CatalogCourse } from "@campus/catalog-client";
import { badInput, conflict, unauthenticated } from "@campus/errors";
import { orderPlaced, type UnitOfWork } from "@campus/events";
import type { Logger } from "@campus/logging";
import { LoaderRegistry } from "@campus/subgraph";
import type { CartService } from "../cart/cart.service";
import type { StoredCart } from "../cart/cart.store";
import type { CommerceTx, OrderRow, PaymentRow } from "../data/commerce.prisma";
import type { OrderRepository } from "../data/order.repository";
import { OrderWrites } from "../data/order.writes";
import { orderFacts } from "../events/order.publisher";
import type { PaymentService } from "./payment.service";
import { requestHash } from "./idempotency";

/** Stripe's rule: a key names one request for 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

export interface CheckoutInput {
  idempotencyKey: string;
  paymentMethod: string;
}

export interface CheckoutResult {
  order: OrderRow;
  payment: PaymentRow;
}

/** Thrown inside the transaction when another request holds the key: rolls back everything it wrote. */
class KeyTaken extends Error {}

/**
 * Checkout: the signed-in user's cart becomes one order, once per
 * idempotency key. The order, its items, its payment and its seat holds are
 * written in one transaction; the provider is asked to charge after commit
 * (see PaymentService.charge), with the payment's id as the provider's
 * idempotency key.
 *
 * The key is claimed by an INSERT inside that transaction: 50 concurrent
 * requests with one key all reach the INSERT, one wins, the others wait for
 * it on the key's row and then roll back everything they wrote (seats
 * included) and answer with the winner's order. The same key with another
 * cart is a CONFLICT, as in Stripe.
 */
export class CheckoutService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly work: UnitOfWork<CommerceTx>,
    private readonly carts: CartService,
    private readonly catalog: CatalogClient,
    private readonly payments: PaymentService,
    private readonly seatHoldMs: number,
    private readonly logger: Logger,
  ) {}

  async checkout(viewer: Viewer, input: CheckoutInput): Promise<CheckoutResult> {
    const userId = viewer.userId;
    if (!userId) throw unauthenticated();
    validate(input);
    const cart = await this.carts.forCheckout(userId);
    // The key stands for the cart as stored: a retry after success sends the very same request.
    const hash = requestHash(
      [...new Set((cart?.items ?? []).map((item) => item.courseId))].sort(),
      input.paymentMethod,
    );
    const replay = await this.replay(userId, input.idempotencyKey, hash);
    if (replay) return replay;

    let courses: CatalogCourse[];
    try {
      courses = await this.purchase(userId, cart);
    } catch (error) {
      // A duplicate that arrives just after the first request committed sees the course as being paid
      // for: the key decides first, so it gets that order, as if it had come a moment later.
      const winner = await this.replay(userId, input.idempotencyKey, hash);
      if (winner) return winner;
      throw error;
    }
    const currency = courses[0]!.price.currency;

    const orderId = randomUUID();
    let placed: CheckoutResult;
    try {
      placed = await this.work.run(async (tx, emit) => {
        const writes = new OrderWrites(tx);
        const now = new Date();
        const claimed = await writes.claimIdempotencyKey(
          userId,
          input.idempotencyKey,
          hash,
          orderId,
          new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
        );
        if (!claimed) throw new KeyTaken();
        const order = await writes.createOrder({
          id: orderId,
          number: await writes.nextOrderNumber(now),
          userId,
          currency,
          totalAmount: courses.reduce((sum, course) => sum + course.price.amount, 0),
          holdExpiresAt: new Date(now.getTime() + this.seatHoldMs),
          items: courses.map((course) => ({ courseId: course.id, priceAmount: course.price.amount })),
          payment: { id: randomUUID(), provider: this.payments.providerName, paymentMethod: input.paymentMethod },
        });
        // Seats in course-id order, the same in every checkout, so two checkouts never wait on each other in a circle.
        for (const course of courses) {
          if (course.capacity === null) continue;
          await writes.ensureSeatCounter(course.id);
          if (!(await writes.takeSeat(course.id, course.capacity))) {
            throw conflict(`"${course.id}" is sold out`, { reason: "SOLD_OUT", courseId: course.id });
          }
          await writes.holdSeat(order.items.find((item) => item.courseId === course.id)!.id, course.id);
        }
        emit(orderPlaced, order.id, orderFacts(order));
        const [payment] = await writes.paymentsOf(order.id);
        return { order, payment: payment! };
      });
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
      const winner = await this.replay(userId, input.idempotencyKey, hash);
      if (!winner) throw new Error("idempotency key taken but no order behind it");
      return winner;
    }
    this.logger.info({ orderId, number: placed.order.number, userId, total: placed.order.totalAmount }, "order placed");
    await this.payments.charge(placed.payment, placed.order.number);
    return this.current(orderId);
  }

  /** The order an earlier request with this key placed; CONFLICT when that request asked for something else. */
  private async replay(userId: string, key: string, hash: string): Promise<CheckoutResult | null> {
    const claimed = await this.orders.idempotencyKey(userId, key);
    if (!claimed || claimed.expiresAt.getTime() < Date.now()) return null;
    if (claimed.requestHash !== hash) {
      throw conflict("This idempotency key was used for another cart", { reason: "IDEMPOTENCY_KEY_REUSED" });
    }
    return this.current(claimed.orderId);
  }

  private async current(orderId: string): Promise<CheckoutResult> {
    const order = (await this.orders.byIdFresh(orderId))!;
    const payments = await this.orders.paymentsOf(orderId);
    return { order, payment: payments.at(-1)! };
  }

  /** The cart's courses as they will be bought, in course-id order, or why they cannot be. */
  private async purchase(userId: string, cart: StoredCart | null): Promise<CatalogCourse[]> {
    const loaders = new LoaderRegistry();
    const courseIds = (await this.carts.purchasable(userId, loaders, cart)).sort();
    if (courseIds.length === 0) throw badInput("The cart is empty", { reason: "EMPTY_CART" });
    // Prices, status and seat limits as catalog says now: a cart never decides what is charged.
    const courses = await this.forSale(loaders, courseIds);
    await this.carts.refuseOwned(userId, loaders, courseIds);
    if (courses.some((course) => course.price.currency !== courses[0]!.price.currency)) {
      throw badInput("The cart mixes currencies; an order has one currency", { reason: "MIXED_CURRENCIES" });
    }
    return courses;
  }

  private async forSale(loaders: LoaderRegistry, courseIds: string[]): Promise<CatalogCourse[]> {
    const courses = await Promise.all(courseIds.map((id) => this.catalog.course(loaders, id)));
    return courses.map((course, index) => {
      if (!course || course.status !== "PUBLISHED") {
        throw conflict("A course in the cart is no longer for sale; remove it and try again", {
          reason: "NOT_PUBLISHED",
          courseId: courseIds[index],
        });
      }
      if (course.price.amount === 0) {
        throw conflict("A course in the cart is free now; enroll in it instead", {
          reason: "FREE_COURSE",
          courseId: course.id,
        });
      }
      return course;
    });
  }
}

function validate(input: CheckoutInput) {
  if (input.idempotencyKey.length < 16 || input.idempotencyKey.length > 255) {
    throw badInput("`idempotencyKey` must be 16 to 255 characters", { field: "idempotencyKey" });
  }
  if (!/^[\x21-\x7e]+$/.test(input.paymentMethod) || input.paymentMethod.length > 255) {
    throw badInput("`paymentMethod` must be a payment provider token, e.g. pm_card_visa", { field: "paymentMethod" });
  }
}
