import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";
import type { SubgraphContext } from "@campus/subgraph";
import type { PartnerRow } from "../data/identity.prisma";
import type { PartnerRepository, PartnerWithKeys } from "../data/partner.repository";
import type { PartnerService } from "../service/partner.service";
import {
  CreatePartnerInput,
  Partner,
  PartnerKeyPayload,
  PartnerUsage,
  PublishPartnerOperationsPayload,
} from "./partner.types";

const asPartner = (row: PartnerRow) => row as unknown as Partner;

/** Partner administration (schema/operations/partners.graphql); every root field is for admins. */
@Resolver(() => Partner)
export class PartnerResolver {
  constructor(
    private readonly service: PartnerService,
    private readonly rows: PartnerRepository,
  ) {}

  @Query(() => [Partner], { description: "Admins only." })
  async partners(@Ctx() ctx: SubgraphContext) {
    return (await this.service.list(ctx.viewer)).map(asPartner);
  }

  @Mutation(() => PartnerKeyPayload, { description: "The key is in the answer once; Campus keeps only its hash." })
  async createPartner(@Arg("input", () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() ctx: SubgraphContext) {
    const { partner, apiKey } = await this.service.create(ctx.viewer, input);
    return { partner: asPartner(partner), apiKey };
  }

  @Mutation(() => PartnerKeyPayload, {
    description: "A new key; the previous one keeps working for PARTNER_KEY_GRACE_SECONDS, then stops.",
  })
  async rotatePartnerKey(@Arg("partnerId", () => ID) partnerId: string, @Ctx() ctx: SubgraphContext) {
    const { partner, apiKey } = await this.service.rotateKey(ctx.viewer, partnerId);
    return { partner: asPartner(partner), apiKey };
  }

  @Mutation(() => Partner, { description: "Every key of the partner stops working at once." })
  async suspendPartner(@Arg("partnerId", () => ID) partnerId: string, @Ctx() ctx: SubgraphContext) {
    return asPartner(await this.service.suspend(ctx.viewer, partnerId));
  }

  @Mutation(() => PublishPartnerOperationsPayload, {
    description:
      "Replaces the partner's safelist with Apollo's persisted query manifest (JSON text); refused whole, every problem listed.",
  })
  async publishPartnerOperations(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("manifest", () => String) manifest: string,
    @Ctx() ctx: SubgraphContext,
  ) {
    return { partner: asPartner(await this.service.publishOperations(ctx.viewer, partnerId, manifest)) };
  }

  @FieldResolver(() => String, { description: "The current key's public part, e.g. cmp_live_1a2b…" })
  async keyPrefix(@Root() partner: PartnerRow) {
    const keys = (partner as Partial<PartnerWithKeys>).keys ?? (await this.rows.withKeys(partner.id))?.keys ?? [];
    const current = keys.filter((key) => key.expiresAt === null).sort((a, b) => +b.createdAt - +a.createdAt)[0];
    return `cmp_live_${current?.id ?? ""}`;
  }

  @FieldResolver(() => Int)
  operationCount(@Root() partner: PartnerRow, @Ctx() ctx: SubgraphContext) {
    return ctx.loaders
      .get<string, number>("partner:operationCount", async (ids) => {
        const counts = await this.rows.operationCounts([...ids]);
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(partner.id);
  }

  @FieldResolver(() => GraphQLDateTimeISO, { nullable: true, description: "Folded from the router's counters." })
  lastUsedAt(@Root() partner: PartnerRow) {
    return this.service.lastUsedAt(partner);
  }

  @FieldResolver(() => [PartnerUsage], { description: "Per operation per UTC day, newest first." })
  usage(@Root() partner: PartnerRow, @Arg("days", () => Int, { defaultValue: 7 }) days: number) {
    return this.service.usage(partner.id, days);
  }
}
