import { anyone, isAdmin, isAuthenticated, isSelfOrAdmin } from "@campus/auth";
import type { SubgraphPermissions } from "@campus/subgraph";

/**
 * Who may call commerce's root fields (the router applies the same rules
 * first). Guests shop: the cart is open to everyone, a guest cart being
 * found only by its token. Whose order it is, is the services' decision.
 */
export const commercePermissions: SubgraphPermissions = {
  Query: {
    cart: anyone,
    order: isAuthenticated,
    orders: isAuthenticated,
    adminOrders: isAdmin,
    plans: anyone,
    subscription: isAuthenticated,
    invoices: isAuthenticated,
  },
  Mutation: {
    addToCart: anyone,
    removeFromCart: anyone,
    mergeCart: isAuthenticated,
    checkout: isAuthenticated,
    requestRefund: isAuthenticated,
    createPlan: isAdmin,
    subscribe: isAuthenticated,
    cancelSubscription: isAuthenticated,
  },
  // A user's orders are theirs: only the user themself and admins may list them.
  User: { orders: isSelfOrAdmin },
};
