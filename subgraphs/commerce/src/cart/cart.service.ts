import { viewerIsAdmin, type Viewer } from "@campus/auth";
import type { CatalogClient, CatalogCourse } from "@campus/catalog-client";
import { badInput, conflict, notFound, unauthenticated } from "@campus/errors";
import { isUuid, type LoaderRegistry } from "@campus/subgraph";
import type { OrderRepository } from "../data/order.repository";
import { CartStore, type CartKey, type StoredCart } from "./cart.store";

/** A cart as the API shows it; `token` only for guest carts (the key to find them again). */
export interface CartView {
  id: string;
  token: string | null;
  items: { id: string; courseId: string }[];
}

export const MAX_CART_ITEMS = 50;

/**
 * Carts: a guest's, found by the unguessable token its first addToCart
 * returns, and a signed-in user's one cart (the token is not needed, and
 * ignored). Prices are never stored here: the cart shows catalog's current
 * price, and checkout reads it again.
 */
export class CartService {
  constructor(
    private readonly carts: CartStore,
    private readonly catalog: CatalogClient,
    private readonly orders: OrderRepository,
  ) {}

  async cart(viewer: Viewer, loaders: LoaderRegistry, token: string | null | undefined): Promise<CartView | null> {
    if (viewer.userId) {
      const key: CartKey = { kind: "user", userId: viewer.userId };
      return this.userView(key, loaders, (await this.carts.read(key)) ?? CartStore.emptyCart(key));
    }
    if (!token) return null;
    const key: CartKey = { kind: "guest", token };
    const stored = await this.carts.read(key);
    if (!stored) throw notFound("Cart");
    return this.view(key, stored);
  }

  async add(viewer: Viewer, loaders: LoaderRegistry, courseId: string, token: string | null | undefined) {
    const key = this.keyFor(viewer, token);
    const course = await this.catalog.course(loaders, courseId);
    if (!course || (course.status === "DRAFT" && !this.maySeeDraft(viewer, course))) throw notFound("Course");
    if (course.status !== "PUBLISHED") throw conflict("This course is not for sale", { reason: "NOT_PUBLISHED" });
    if (course.price.amount === 0) {
      throw badInput("This course is free: enroll in it instead", { field: "courseId", reason: "FREE_COURSE" });
    }
    if (viewer.userId) await this.refuseOwned(viewer.userId, loaders, [course.id]);

    const current = await this.carts.read(key);
    if (key.kind === "guest" && token && !current) throw notFound("Cart");
    const currencies = await this.currencies(
      loaders,
      (current?.items ?? []).map((item) => item.courseId),
    );
    if (currencies.size > 0 && !currencies.has(course.price.currency)) {
      throw badInput(`The cart holds courses priced in ${[...currencies].join(", ")}; an order has one currency`, {
        field: "courseId",
        reason: "MIXED_CURRENCIES",
      });
    }
    const hidden = viewer.userId ? await this.unavailableFor(viewer.userId, loaders) : new Set<string>();
    const stored = await this.carts.update(key, (cart) => {
      const next = withoutCourses(cart ?? CartStore.emptyCart(key), hidden);
      if (next.items.some((item) => item.courseId === course.id)) {
        throw conflict("This course is already in the cart", { reason: "ALREADY_IN_CART" });
      }
      if (next.items.length >= MAX_CART_ITEMS) throw badInput(`A cart holds at most ${MAX_CART_ITEMS} courses`);
      return { ...next, items: [...next.items, CartStore.newItem(course.id)] };
    });
    return this.view(key, stored);
  }

  async remove(viewer: Viewer, loaders: LoaderRegistry, itemId: string, token: string | null | undefined) {
    const key = this.keyFor(viewer, token);
    if (key.kind === "guest" && !token) throw notFound("Cart");
    const stored = await this.carts.update(key, (cart) => {
      if (!cart) throw key.kind === "guest" ? notFound("Cart") : notFound("Cart item");
      if (!cart.items.some((item) => item.id === itemId)) throw notFound("Cart item");
      return { ...cart, items: cart.items.filter((item) => item.id !== itemId) };
    });
    return key.kind === "user" ? this.userView(key, loaders, stored) : this.view(key, stored);
  }

  /**
   * Moves a guest cart's courses into the signed-in user's cart, leaving out
   * duplicates, courses the user owns or is enrolled in, and courses in
   * another currency than the user's cart; then ends the guest cart.
   */
  async merge(viewer: Viewer, loaders: LoaderRegistry, token: string): Promise<CartView> {
    if (!viewer.userId) throw unauthenticated();
    const guestKey: CartKey = { kind: "guest", token };
    const guest = await this.carts.read(guestKey);
    if (!guest) throw notFound("Cart");
    const userKey: CartKey = { kind: "user", userId: viewer.userId };
    const excluded = await this.unavailableFor(viewer.userId, loaders);
    const current = (await this.carts.read(userKey))?.items ?? [];
    const ids = [...new Set([...current, ...guest.items].map((item) => item.courseId))];
    const courses = new Map(
      (await Promise.all(ids.map((id) => this.catalog.course(loaders, id))))
        .filter((course): course is CatalogCourse => course !== null)
        .map((course) => [course.id, course]),
    );
    const stored = await this.carts.update(userKey, (cart) => {
      const next = withoutCourses(cart ?? CartStore.emptyCart(userKey), excluded);
      const currency = next.items.map((item) => courses.get(item.courseId)?.price.currency).find(Boolean);
      const items = [...next.items];
      for (const item of guest.items) {
        const course = courses.get(item.courseId);
        if (!course || excluded.has(item.courseId) || items.some((kept) => kept.courseId === item.courseId)) continue;
        if ((currency ?? course.price.currency) !== course.price.currency || items.length >= MAX_CART_ITEMS) continue;
        items.push(CartStore.newItem(item.courseId));
      }
      return { ...next, items };
    });
    await this.carts.remove(guestKey);
    return this.view(userKey, withoutCourses(stored, excluded));
  }

  /**
   * The signed-in user's cart exactly as stored, for checkout. Checkout does
   * not empty it: bought courses drop out of what the cart shows (and out of
   * the next write), so the stored cart stays what the idempotency key was
   * used with, and a declined card leaves the courses there for another try.
   */
  async forCheckout(userId: string): Promise<StoredCart | null> {
    return this.carts.read({ kind: "user", userId });
  }

  /** The courses of a stored cart the user may still buy (owned and enrolled ones drop out). */
  async purchasable(userId: string, loaders: LoaderRegistry, cart: StoredCart | null): Promise<string[]> {
    const [owned, enrolled] = await this.holdings(userId, loaders);
    return [...new Set((cart?.items ?? []).map((item) => item.courseId))].filter(
      (id) => !owned.has(id) && !enrolled.has(id),
    );
  }

  private keyFor(viewer: Viewer, token: string | null | undefined): CartKey {
    if (viewer.userId) return { kind: "user", userId: viewer.userId };
    return { kind: "guest", token: token ?? CartStore.newGuestToken() };
  }

  /** A user's cart without what they own, are enrolled in or are paying for right now. */
  private async userView(key: CartKey, loaders: LoaderRegistry, cart: StoredCart): Promise<CartView> {
    if (key.kind !== "user") return this.view(key, cart);
    return this.view(key, withoutCourses(cart, await this.unavailableFor(key.userId, loaders)));
  }

  private view(key: CartKey, cart: StoredCart): CartView {
    return {
      id: cart.id,
      token: key.kind === "guest" ? key.token : null,
      items: cart.items.map((item) => ({ id: item.id, courseId: item.courseId })),
    };
  }

  private maySeeDraft(viewer: Viewer, course: CatalogCourse): boolean {
    return viewerIsAdmin(viewer) || (course.instructorId !== null && course.instructorId === viewer.userId);
  }

  /** Courses the user may not buy: owned, enrolled in, or in an order awaiting payment. */
  private async unavailableFor(userId: string, loaders: LoaderRegistry): Promise<Set<string>> {
    const [owned, enrolled, awaiting] = await this.holdings(userId, loaders);
    return new Set([...owned, ...enrolled, ...awaiting]);
  }

  /** Refuses courses the user already has (or is paying for) with a reason per case. */
  async refuseOwned(userId: string, loaders: LoaderRegistry, courseIds: string[]): Promise<void> {
    const [owned, enrolled, awaiting] = await this.holdings(userId, loaders);
    for (const id of courseIds) {
      if (owned.has(id)) throw conflict("You already bought this course", { reason: "ALREADY_OWNED", courseId: id });
      if (enrolled.has(id)) {
        throw conflict("You are already enrolled in this course", { reason: "ALREADY_ENROLLED", courseId: id });
      }
      if (awaiting.has(id)) {
        throw conflict("An order for this course is awaiting its payment", { reason: "PAYMENT_PENDING", courseId: id });
      }
    }
  }

  /** Read once per request (the registry keeps them): a checkout asks twice, a cart view once. */
  private holdings(userId: string, loaders: LoaderRegistry) {
    return Promise.all([
      this.orders.ownedCourseIds(loaders, userId),
      this.orders.enrolledCourseIds(loaders, userId),
      this.orders.awaitingPaymentCourseIds(loaders, userId),
    ]);
  }

  private async currencies(loaders: LoaderRegistry, courseIds: string[]): Promise<Set<string>> {
    const courses = await Promise.all(courseIds.filter(isUuid).map((id) => this.catalog.course(loaders, id)));
    return new Set(courses.flatMap((course) => (course ? [course.price.currency] : [])));
  }
}

function withoutCourses(cart: StoredCart, courseIds: Set<string>): StoredCart {
  if (courseIds.size === 0) return cart;
  return { ...cart, items: cart.items.filter((item) => !courseIds.has(item.courseId)) };
}
