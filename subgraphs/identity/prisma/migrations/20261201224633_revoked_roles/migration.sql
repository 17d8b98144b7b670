-- AlterTable
ALTER TABLE "identity"."User" ADD COLUMN     "revokedRoles" "identity"."Role"[] DEFAULT ARRAY[]::"identity"."Role"[];

