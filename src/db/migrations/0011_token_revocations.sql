CREATE TABLE "token_revocations" (
	"jti" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"generation" bigint NOT NULL,
	"revoked_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "token_revocations_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "token_revocations_version_single_row" CHECK ("token_revocations_version"."id" = 1)
);
--> statement-breakpoint
CREATE INDEX "token_revocations_generation_idx" ON "token_revocations" USING btree ("generation");--> statement-breakpoint
CREATE INDEX "token_revocations_expires_at_idx" ON "token_revocations" USING btree ("expires_at");--> statement-breakpoint
INSERT INTO "token_revocations_version" ("id", "n") VALUES (1, 0);
