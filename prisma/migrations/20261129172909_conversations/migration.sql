-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'member';

-- AlterTable
ALTER TABLE "rooms" ADD COLUMN     "dm_key" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'channel',
ADD COLUMN     "topic" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "visibility" TEXT NOT NULL DEFAULT 'public',
ALTER COLUMN "name_key" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "rooms_dm_key_key" ON "rooms"("dm_key");

-- Existing rooms are public channels (the defaults above); their creator becomes the owner.
UPDATE "memberships" AS m SET "role" = 'owner'
FROM "rooms" AS r
WHERE m."room_id" = r."id" AND m."user_id" = r."created_by_id";

-- Where the creator has left, the longest-standing member owns the room.
UPDATE "memberships" AS m SET "role" = 'owner'
FROM (
  SELECT DISTINCT ON ("room_id") "room_id", "user_id"
  FROM "memberships"
  WHERE "room_id" NOT IN (SELECT "room_id" FROM "memberships" WHERE "role" = 'owner')
  ORDER BY "room_id", "joined_at", "user_id"
) AS first
WHERE m."room_id" = first."room_id" AND m."user_id" = first."user_id";
