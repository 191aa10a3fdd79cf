-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "last_read_ord" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "last_read_seq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "deleted_ord" BIGINT,
ADD COLUMN     "event_seq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "ord" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "reply_to_id" TEXT,
ADD COLUMN     "search" tsvector;

-- AlterTable
ALTER TABLE "rooms" ADD COLUMN     "last_message_at" TIMESTAMPTZ(3),
ADD COLUMN     "message_count" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "message_mentions" (
    "message_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "room_id" TEXT NOT NULL,
    "ord" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "message_mentions_pkey" PRIMARY KEY ("message_id","user_id")
);

-- CreateTable
CREATE TABLE "reactions" (
    "seq" BIGSERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reactions_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "message_mentions_user_id_room_id_ord_idx" ON "message_mentions"("user_id", "room_id", "ord");

-- CreateIndex
CREATE UNIQUE INDEX "reactions_message_id_emoji_user_id_key" ON "reactions"("message_id", "emoji", "user_id");

-- CreateIndex
CREATE INDEX "messages_room_id_event_seq_idx" ON "messages"("room_id", "event_seq");

-- CreateIndex
CREATE INDEX "messages_room_id_deleted_ord_idx" ON "messages"("room_id", "deleted_ord");

-- CreateIndex
CREATE INDEX "messages_search_idx" ON "messages" USING GIN ("search");

-- AddForeignKey
ALTER TABLE "messages" ADD CONSTRAINT "messages_reply_to_id_fkey" FOREIGN KEY ("reply_to_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_mentions" ADD CONSTRAINT "message_mentions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_mentions" ADD CONSTRAINT "message_mentions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reactions" ADD CONSTRAINT "reactions_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reactions" ADD CONSTRAINT "reactions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: existing messages get their ordinals and creation event ids, rooms their counts,
-- search its vectors; every existing member has read everything so far.
UPDATE "messages" m SET "ord" = o.ord
FROM (SELECT id, row_number() OVER (PARTITION BY room_id ORDER BY seq) AS ord FROM "messages") o
WHERE m.id = o.id;
-- A message edited before this migration lost its message.created event: it takes the id of the
-- message before it, so event ids stay in message order (read positions rely on it).
UPDATE "messages" m SET "event_seq" = o.event_seq
FROM (
  SELECT x.id, coalesce(max(e.seq) OVER (PARTITION BY x.room_id ORDER BY x.seq), 0) AS event_seq
  FROM "messages" x
  LEFT JOIN "room_events" e ON e.message_id = x.id AND e.type = 'message.created'
) o
WHERE m.id = o.id;
UPDATE "messages" SET "deleted_ord" = "ord" WHERE "deleted_at" IS NOT NULL;
UPDATE "messages" SET "search" = to_tsvector('simple', "text") WHERE "deleted_at" IS NULL;
UPDATE "rooms" r SET "message_count" = (SELECT count(*) FROM "messages" m WHERE m.room_id = r.id),
  "last_message_at" = (SELECT max(m.created_at) FROM "messages" m WHERE m.room_id = r.id AND m.deleted_at IS NULL);
UPDATE "memberships" ms SET "last_read_seq" = r.last_event_seq, "last_read_ord" = r.message_count
FROM "rooms" r WHERE r.id = ms.room_id;
