import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { SharedStore } from "@campus/kv";

export interface StoredCartItem {
  id: string;
  courseId: string;
  addedAt: string;
}

export interface StoredCart {
  id: string;
  items: StoredCartItem[];
}

/** Where a cart lives: a user's one cart, or a guest cart found by its token. */
export type CartKey = { kind: "user"; userId: string } | { kind: "guest"; token: string };

/**
 * Carts live in the shared store (Redis in production, the persisted
 * in-process store in the embedded runtime), as the commerce plan's cart
 * sessions do: they survive restarts, guest carts expire after their TTL,
 * and a user's cart after a long idle time. A guest cart is keyed by a hash
 * of its token, so a dump of the store does not hand out carts.
 *
 * Writes are compare-and-set: two tabs adding at once both land, neither
 * overwrites the other.
 */
export class CartStore {
  constructor(
    private readonly store: SharedStore,
    private readonly ttl: { guestMs: number; userMs: number },
  ) {}

  static newGuestToken(): string {
    return randomBytes(24).toString("base64url");
  }

  /** A user's cart has the same id for its whole life, stored or not yet. */
  static userCartId(userId: string): string {
    const hex = createHash("sha256").update(`cart:${userId}`).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  async read(key: CartKey): Promise<StoredCart | null> {
    const raw = await this.store.get(this.keyOf(key));
    return raw ? (JSON.parse(raw) as StoredCart) : null;
  }

  /**
   * Applies `change` to the current cart (null when there is none yet) and
   * stores the result, retrying when another write got in between; `change`
   * may throw to refuse. Returns what was stored.
   */
  async update(key: CartKey, change: (cart: StoredCart | null) => StoredCart): Promise<StoredCart> {
    const storeKey = this.keyOf(key);
    const ttlMs = key.kind === "guest" ? this.ttl.guestMs : this.ttl.userMs;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const raw = await this.store.get(storeKey);
      const next = change(raw ? (JSON.parse(raw) as StoredCart) : null);
      const written = JSON.stringify(next);
      const stored = raw
        ? await this.store.compareAndSet(storeKey, raw, written, ttlMs)
        : await this.store.setIfAbsent(storeKey, written, ttlMs);
      if (stored) return next;
    }
    throw new Error("cart changed concurrently too often");
  }

  async remove(key: CartKey): Promise<void> {
    await this.store.del(this.keyOf(key));
  }

  static emptyCart(key: CartKey): StoredCart {
    return { id: key.kind === "user" ? CartStore.userCartId(key.userId) : randomUUID(), items: [] };
  }

  static newItem(courseId: string): StoredCartItem {
    return { id: randomUUID(), courseId, addedAt: new Date().toISOString() };
  }

  private keyOf(key: CartKey): string {
    if (key.kind === "user") return `commerce:cart:user:${key.userId}`;
    return `commerce:cart:guest:${createHash("sha256").update(key.token).digest("base64url")}`;
  }
}
