CREATE TABLE "idempotency_keys" (
	"mode" text NOT NULL,
	"application_id" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"method" text NOT NULL,
	"url" text NOT NULL,
	"request_id" text NOT NULL,
	"resource_id" text,
	"status" integer,
	"body" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_mode_application_id_key_pk" PRIMARY KEY("mode","application_id","key")
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" USING btree ("created_at");