import { GraphQLDateTimeISO } from "graphql-scalars";
import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { connectionTypes } from "@campus/subgraph";

export enum Role {
  LEARNER = "LEARNER",
  INSTRUCTOR = "INSTRUCTOR",
  ADMIN = "ADMIN",
}
export enum UserStatus {
  ACTIVE = "ACTIVE",
  DISABLED = "DISABLED",
}
registerEnumType(Role, { name: "Role" });
registerEnumType(UserStatus, { name: "UserStatus" });

@ObjectType({ description: "A Campus account, owned by the identity subgraph." })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Visible to the user themself and to admins." })
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => UserStatus, { description: "Visible to the user themself and to admins." })
  status!: UserStatus;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String)
  accessToken!: string;

  @Field(() => String)
  refreshToken!: string;

  @Field(() => Int, { description: "Seconds until the access token expires." })
  expiresIn!: number;

  @Field(() => User)
  user!: User;
}

@ObjectType()
export class TokenPair {
  @Field(() => String)
  accessToken!: string;

  @Field(() => String)
  refreshToken!: string;

  @Field(() => Int)
  expiresIn!: number;
}

@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  name!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class UserFilter {
  @Field(() => Role, { nullable: true })
  role?: Role | null;

  @Field(() => UserStatus, { nullable: true })
  status?: UserStatus | null;

  @Field(() => String, { nullable: true, description: "Substring of email or name." })
  search?: string | null;
}

export const { Edge: UserEdge, Connection: UserConnection } = connectionTypes(User, "User");
export type UserConnection = InstanceType<typeof UserConnection>;
