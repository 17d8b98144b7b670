import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { CatalogClient } from "@campus/catalog-client";
import { Money, type SubgraphContext } from "@campus/subgraph";
import type { CartService, CartView } from "../cart/cart.service";
import type { OrderRow, PaymentRow, RefundRow } from "../data/commerce.prisma";
import type { CheckoutService } from "../service/checkout.service";
import type { OrderService } from "../service/order.service";
import type { RefundService } from "../service/refund.service";
import {
  Cart,
  CartItem,
  CheckoutInput,
  CheckoutResult,
  CourseEntity,
  Order,
  OrderConnection,
  OrderFilterInput,
  OrderItem,
  OrderTimelineEntry,
  Payment,
  Refund,
  UserEntity,
} from "./commerce.types";

// Prisma's rows carry every field their object types declare, plus the columns field resolvers read.
const asOrder = (row: OrderRow) => row as unknown as Order;
const asCart = (view: CartView | null) => view as unknown as Cart | null;

@Resolver(() => Cart)
export class CartResolver {
  constructor(
    private readonly carts: CartService,
    private readonly catalog: CatalogClient,
  ) {}

  @Query(() => Cart, {
    nullable: true,
    description: "The signed-in user's cart, or a guest's by its token (null for a guest without one).",
  })
  async cart(
    @Arg("cartToken", () => String, { nullable: true }) cartToken: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asCart(await this.carts.cart(ctx.viewer, ctx.loaders, cartToken));
  }

  @Mutation(() => Cart, {
    description: "Paid, published courses only. A guest's first add starts a cart and returns its token.",
  })
  async addToCart(
    @Arg("courseId", () => ID) courseId: string,
    @Arg("cartToken", () => String, { nullable: true }) cartToken: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asCart(await this.carts.add(ctx.viewer, ctx.loaders, courseId, cartToken));
  }

  @Mutation(() => Cart)
  async removeFromCart(
    @Arg("itemId", () => ID) itemId: string,
    @Arg("cartToken", () => String, { nullable: true }) cartToken: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asCart(await this.carts.remove(ctx.viewer, ctx.loaders, itemId, cartToken));
  }

  @Mutation(() => Cart, {
    description:
      "After sign-in: moves a guest cart's courses into the user's cart (no duplicates, nothing owned) and ends it.",
  })
  async mergeCart(@Arg("cartToken", () => String) cartToken: string, @Ctx() ctx: SubgraphContext) {
    return asCart(await this.carts.merge(ctx.viewer, ctx.loaders, cartToken));
  }

  @FieldResolver(() => Money, { nullable: true, description: "Catalog's current prices; null for an empty cart." })
  async subtotal(@Root() cart: Cart, @Ctx() ctx: SubgraphContext): Promise<Money | null> {
    const courses = await Promise.all(cart.items.map((item) => this.catalog.course(ctx.loaders, item.courseId)));
    const prices = courses.flatMap((course) => (course ? [course.price] : []));
    if (prices.length === 0) return null;
    return { amount: prices.reduce((sum, price) => sum + price.amount, 0), currency: prices[0]!.currency };
  }
}

@Resolver(() => CartItem)
export class CartItemResolver {
  constructor(private readonly catalog: CatalogClient) {}

  @FieldResolver(() => CourseEntity, { description: "Resolved by the catalog subgraph." })
  course(@Root() item: CartItem): CourseEntity {
    return { id: item.courseId };
  }

  @FieldResolver(() => Money, { nullable: true, description: "Catalog's current price; null if the course is gone." })
  async price(@Root() item: CartItem, @Ctx() ctx: SubgraphContext): Promise<Money | null> {
    return (await this.catalog.course(ctx.loaders, item.courseId))?.price ?? null;
  }
}

@Resolver(() => Order)
export class OrderResolver {
  constructor(
    private readonly orderService: OrderService,
    private readonly checkoutService: CheckoutService,
    private readonly refundService: RefundService,
  ) {}

  @Query(() => Order, { description: "The buyer's own order, or any for admins; NOT_FOUND otherwise." })
  async order(@Arg("id", () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return asOrder(await this.orderService.get(ctx.viewer, ctx.loaders, id));
  }

  @Query(() => OrderConnection, { description: "The signed-in user's orders, newest first." })
  orders(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return this.orderService.listForViewer(ctx.viewer, first, after);
  }

  @Query(() => OrderConnection, { description: "Admins: every order, newest first, narrowed by `filter`." })
  adminOrders(
    @Arg("filter", () => OrderFilterInput, { nullable: true }) filter: OrderFilterInput | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ) {
    return this.orderService.list({ ...filter }, first, after);
  }

  @Mutation(() => CheckoutResult, {
    description: "Places an order for the signed-in user's cart and takes payment; once per idempotency key.",
  })
  async checkout(@Arg("input", () => CheckoutInput) input: CheckoutInput, @Ctx() ctx: SubgraphContext) {
    return (await this.checkoutService.checkout(ctx.viewer, input)) as unknown as CheckoutResult;
  }

  @Mutation(() => Order, {
    description: "The buyer (within the refund policy) or an admin; `itemIds` omitted: every item not refunded yet.",
  })
  async requestRefund(
    @Arg("orderId", () => ID) orderId: string,
    @Arg("itemIds", () => [ID], { nullable: true }) itemIds: string[] | null,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: SubgraphContext,
  ) {
    return asOrder(await this.refundService.request(ctx.viewer, ctx.loaders, orderId, itemIds, reason));
  }

  @FieldResolver(() => Money)
  total(@Root() order: Order): Money {
    return { amount: order.totalAmount, currency: order.currency };
  }

  @FieldResolver(() => [OrderItem])
  async items(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return (await this.orderService.items(ctx.loaders, order.id)) as unknown as OrderItem[];
  }

  @FieldResolver(() => [Payment])
  async payments(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return (await this.orderService.payments(ctx.loaders, order.id)) as unknown as Payment[];
  }

  @FieldResolver(() => [Refund])
  async refunds(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return (await this.orderService.refunds(ctx.loaders, order.id)) as unknown as Refund[];
  }

  @FieldResolver(() => [OrderTimelineEntry], { description: "Oldest first." })
  async timeline(@Root() order: Order, @Ctx() ctx: SubgraphContext) {
    return (await this.orderService.timeline(ctx.loaders, order.id)) as unknown as OrderTimelineEntry[];
  }

  @FieldResolver(() => UserEntity, { description: "Resolved by the identity subgraph." })
  buyer(@Root() order: Order): UserEntity {
    return { id: order.userId };
  }
}

@Resolver(() => OrderItem)
export class OrderItemResolver {
  @FieldResolver(() => CourseEntity, { description: "Resolved by the catalog subgraph." })
  course(@Root() item: OrderItem): CourseEntity {
    return { id: item.courseId };
  }

  @FieldResolver(() => Money, { description: "What was charged for it." })
  price(@Root() item: OrderItem): Money {
    return { amount: item.priceAmount, currency: item.currency };
  }

  @FieldResolver(() => Boolean)
  refunded(@Root() item: OrderItem): boolean {
    return item.refundedAt !== null;
  }

  @FieldResolver(() => Boolean, { description: "Enrollment granted the course." })
  fulfilled(@Root() item: OrderItem): boolean {
    return item.fulfilledAt !== null;
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  constructor(private readonly orders: OrderService) {}

  @FieldResolver(() => Money)
  amount(@Root() payment: PaymentRow): Money {
    return { amount: payment.amount, currency: payment.currency };
  }

  @FieldResolver(() => String, { nullable: true })
  async clientSecret(@Root() payment: PaymentRow, @Ctx() ctx: SubgraphContext): Promise<string | null> {
    // It confirms the payment on the client: the buyer's alone, not even an admin's.
    const order = await this.orders.find(ctx.loaders, payment.orderId);
    return order?.userId === ctx.viewer.userId ? payment.clientSecret : null;
  }
}

@Resolver(() => Refund)
export class RefundResolver {
  @FieldResolver(() => Money)
  amount(@Root() refund: RefundRow): Money {
    return { amount: refund.amount, currency: refund.currency };
  }
}

@Resolver(() => CourseEntity)
export class CourseCommerceResolver {
  constructor(private readonly orders: OrderService) {}

  @FieldResolver(() => Boolean, { description: "The signed-in user bought it and was not refunded." })
  viewerHasPurchased(@Root() course: CourseEntity, @Ctx() ctx: SubgraphContext) {
    return this.orders.viewerHasPurchased(ctx.viewer, ctx.loaders, course.id);
  }
}

@Resolver(() => UserEntity)
export class UserOrdersResolver {
  constructor(private readonly orderService: OrderService) {}

  @FieldResolver(() => OrderConnection, { description: "The user's orders, newest first (the user and admins)." })
  orders(
    @Root() user: UserEntity,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ) {
    return this.orderService.list({ userId: user.id }, first, after);
  }
}
