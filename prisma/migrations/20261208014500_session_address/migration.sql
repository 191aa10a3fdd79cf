-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "client_address" TEXT;
